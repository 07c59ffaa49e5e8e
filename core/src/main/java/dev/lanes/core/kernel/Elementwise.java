package dev.lanes.core.kernel;

/**
 * Element-wise arithmetic on float arrays with offsets, running the kernels that {@link
 * KernelProvider#get()} chose. Every method checks its arguments and throws
 * {@link IllegalArgumentException} naming the kernel and the argument; see {@link
 * ElementwiseKernels} for the exact semantics.
 */
public final class Elementwise {
  private static final ElementwiseKernels K = KernelProvider.get().elementwise();

  private Elementwise() {}

  /** {@code out[i] = value} for i in [0, n). */
  public static void fill(float[] out, int outOff, float value, int n) {
    Checks.nonNegative("fill", "n", n);
    Checks.range("fill", "out", out, outOff, n);
    K.fill(out, outOff, value, n);
  }

  /** {@code out[i] = x[i]}. */
  public static void copy(float[] out, int outOff, float[] x, int xOff, int n) {
    unary("copy", out, outOff, x, xOff, n);
    K.copy(out, outOff, x, xOff, n);
  }

  /** {@code out[i] = a[i] + b[i]}. */
  public static void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    binary("add", out, outOff, a, aOff, b, bOff, n);
    K.add(out, outOff, a, aOff, b, bOff, n);
  }

  /** {@code out[i] = a[i] - b[i]}. */
  public static void sub(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    binary("sub", out, outOff, a, aOff, b, bOff, n);
    K.sub(out, outOff, a, aOff, b, bOff, n);
  }

  /** {@code out[i] = a[i] * b[i]}. */
  public static void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    binary("mul", out, outOff, a, aOff, b, bOff, n);
    K.mul(out, outOff, a, aOff, b, bOff, n);
  }

  /** {@code out[i] = alpha * x[i]}. */
  public static void scale(float[] out, int outOff, float alpha, float[] x, int xOff, int n) {
    unary("scale", out, outOff, x, xOff, n);
    K.scale(out, outOff, alpha, x, xOff, n);
  }

  /** {@code y[i] += alpha * x[i]} (accumulates). */
  public static void axpy(float[] y, int yOff, float alpha, float[] x, int xOff, int n) {
    unary("axpy", y, yOff, x, xOff, n);
    K.axpy(y, yOff, alpha, x, xOff, n);
  }

  /** For x of shape (rows, cols): {@code x[r][c] += bias[c]} in place. */
  public static void addRowBias(float[] x, int xOff, float[] bias, int biasOff, int rows, int cols) {
    long size = Checks.product("addRowBias", "(rows, cols)", rows, cols);
    Checks.range("addRowBias", "x", x, xOff, size);
    Checks.range("addRowBias", "bias", bias, biasOff, cols);
    K.addRowBias(x, xOff, bias, biasOff, rows, cols);
  }

  /** For x of shape (batch, channels, spatial): {@code x[b][c][s] += bias[c]} in place. */
  public static void addChannelBias(float[] x, int xOff, float[] bias, int biasOff,
      int batch, int channels, int spatial) {
    long size = Checks.product("addChannelBias", "(batch, channels, spatial)",
        batch, channels, spatial);
    Checks.range("addChannelBias", "x", x, xOff, size);
    Checks.range("addChannelBias", "bias", bias, biasOff, channels);
    K.addChannelBias(x, xOff, bias, biasOff, batch, channels, spatial);
  }

  /**
   * One Adam update of n parameters in place on w, m and v (see
   * {@link ElementwiseKernels#adamUpdate} for the formula); g is read only.
   */
  public static void adamUpdate(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
      float[] v, int vOff, int n, float beta1, float beta2, float eps, float l2, float stepSize,
      float invSqrtCorrection2) {
    Checks.nonNegative("adamUpdate", "n", n);
    Checks.range("adamUpdate", "w", w, wOff, n);
    Checks.range("adamUpdate", "g", g, gOff, n);
    Checks.range("adamUpdate", "m", m, mOff, n);
    Checks.range("adamUpdate", "v", v, vOff, n);
    K.adamUpdate(w, wOff, g, gOff, m, mOff, v, vOff, n, beta1, beta2, eps, l2, stepSize,
        invSqrtCorrection2);
  }

  /**
   * Batch norm's forward pass over one channel: {@code runs} runs of n values, {@code stride}
   * apart (see {@link ElementwiseKernels#normalize}).
   */
  public static void normalize(float[] h, int hOff, float[] y, int yOff, float[] x, int xOff,
      float mean, float invStd, float gamma, float beta, int runs, int n, int stride) {
    long span = runs("normalize", runs, n, stride);
    Checks.range("normalize", "h", h, hOff, span);
    Checks.range("normalize", "y", y, yOff, span);
    Checks.range("normalize", "x", x, xOff, span);
    K.normalize(h, hOff, y, yOff, x, xOff, mean, invStd, gamma, beta, runs, n, stride);
  }

  /**
   * Batch norm's input gradient over one channel laid out as in {@link #normalize} (see {@link
   * ElementwiseKernels#normalizeBackward}).
   */
  public static void normalizeBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] h,
      int hOff, float k, float count, float sumDy, float sumDyH, int runs, int n, int stride) {
    long span = runs("normalizeBackward", runs, n, stride);
    Checks.range("normalizeBackward", "dx", dx, dxOff, span);
    Checks.range("normalizeBackward", "dy", dy, dyOff, span);
    Checks.range("normalizeBackward", "h", h, hOff, span);
    K.normalizeBackward(dx, dxOff, dy, dyOff, h, hOff, k, count, sumDy, sumDyH, runs, n, stride);
  }

  /**
   * The elements from the first run's start to the last run's end, after checking that runs
   * and n are ≥ 0 and that runs do not overlap (an output run would overwrite another's input).
   */
  private static long runs(String kernel, int runs, int n, int stride) {
    Checks.nonNegative(kernel, "runs", runs);
    Checks.nonNegative(kernel, "n", n);
    if (runs > 1 && stride < n) {
      throw new IllegalArgumentException(kernel + ": runs of " + n + " values " + stride
          + " apart overlap; stride must be ≥ n");
    }
    return runs == 0 ? 0 : (long) (runs - 1) * stride + n;
  }

  private static void unary(String kernel, float[] out, int outOff, float[] x, int xOff, int n) {
    Checks.nonNegative(kernel, "n", n);
    Checks.range(kernel, kernel.equals("axpy") ? "y" : "out", out, outOff, n);
    Checks.range(kernel, "x", x, xOff, n);
  }

  private static void binary(String kernel, float[] out, int outOff, float[] a, int aOff,
      float[] b, int bOff, int n) {
    Checks.nonNegative(kernel, "n", n);
    Checks.range(kernel, "out", out, outOff, n);
    Checks.range(kernel, "a", a, aOff, n);
    Checks.range(kernel, "b", b, bOff, n);
  }
}
