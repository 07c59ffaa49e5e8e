package dev.lanes.core.kernel;

/**
 * Element-by-element arithmetic on runs of float arrays. Outputs first, then inputs, then sizes;
 * each array comes with its offset. Implementations assume valid arguments: the {@link
 * Elementwise} facade checks them. Output and input may be the same run (in-place), but must not
 * overlap in any other way.
 */
public interface ElementwiseKernels {
  /** {@code out[i] = value}. */
  void fill(float[] out, int outOff, float value, int n);

  /** {@code out[i] = x[i]}. */
  void copy(float[] out, int outOff, float[] x, int xOff, int n);

  /** {@code out[i] = a[i] + b[i]}. */
  void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n);

  /** {@code out[i] = a[i] - b[i]}. */
  void sub(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n);

  /** {@code out[i] = a[i] * b[i]}. */
  void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n);

  /** {@code out[i] = alpha * x[i]}. */
  void scale(float[] out, int outOff, float alpha, float[] x, int xOff, int n);

  /** {@code y[i] += alpha * x[i]} (accumulates into y). */
  void axpy(float[] y, int yOff, float alpha, float[] x, int xOff, int n);

  /** For x of shape (rows, cols): {@code x[r][c] += bias[c]} (in place). */
  void addRowBias(float[] x, int xOff, float[] bias, int biasOff, int rows, int cols);

  /**
   * For x of shape (batch, channels, spatial), NCHW with spatial = H·W:
   * {@code x[b][c][s] += bias[c]} (in place).
   */
  void addChannelBias(float[] x, int xOff, float[] bias, int biasOff,
      int batch, int channels, int spatial);

  /**
   * One Adam update of n parameters, PyTorch's arrangement, in place on w, m and v:
   * <pre>
   *   gi = g + l2·w
   *   m = β1·m + (1 − β1)·gi          v = β2·v + (1 − β2)·gi·gi
   *   w = w − stepSize·m / (√v·invSqrtCorrection2 + ε)
   * </pre>
   * each a separate IEEE float operation in this order (no fused multiply-add), so every
   * implementation gives the same bits; stepSize = lr / (1 − β1^t), invSqrtCorrection2 =
   * 1 / √(1 − β2^t).
   */
  void adamUpdate(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v,
      int vOff, int n, float beta1, float beta2, float eps, float l2, float stepSize,
      float invSqrtCorrection2);

  /**
   * Batch norm's forward pass over one channel, held as {@code runs} runs of n values, run r
   * starting at {@code off + r·stride} in each of h, y and x (NCHW: runs = N, n = H·W, stride =
   * C·H·W): {@code h[i] = (x[i] − mean)·invStd} and {@code y[i] = gamma·h[i] + beta}, each a
   * separate IEEE float operation in this order (no fused multiply-add), so every implementation
   * gives the same bits.
   */
  void normalize(float[] h, int hOff, float[] y, int yOff, float[] x, int xOff, float mean,
      float invStd, float gamma, float beta, int runs, int n, int stride);

  /**
   * Batch norm's input gradient over one channel laid out as in {@link #normalize}, from its
   * output gradient dy and normalised input h:
   * {@code dx[i] = k·((count·dy[i] − sumDy) − h[i]·sumDyH)}, each a separate IEEE float
   * operation in this order, so every implementation gives the same bits.
   */
  void normalizeBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] h, int hOff,
      float k, float count, float sumDy, float sumDyH, int runs, int n, int stride);
}
