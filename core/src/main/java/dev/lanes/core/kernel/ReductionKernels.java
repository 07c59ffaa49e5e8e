package dev.lanes.core.kernel;

/**
 * Reductions over runs of float arrays. The SIMD implementation sums in a different order from
 * the scalar reference (several vector accumulators), so sums agree to within the usual bound
 * {@code n · 2⁻²⁴ · Σ|x|}, not bitwise. Arguments are checked by the {@link Reductions} facade.
 */
public interface ReductionKernels {
  /** {@code Σ x[i]}; 0 for n = 0. */
  float sum(float[] x, int xOff, int n);

  /** {@code max x[i]} as {@link Math#max(float, float)} sees it: NaN wins; -Inf for n = 0. */
  float max(float[] x, int xOff, int n);

  /** {@code Σ a[i]·b[i]}; 0 for n = 0. */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /**
   * For x of shape (rows, cols), cols ≥ 1: {@code out[r]} = the index of the largest value of row
   * r; the first one on ties; the first NaN if the row has one (NaN counts as largest, as in
   * NumPy).
   */
  void argmaxRows(int[] out, int outOff, float[] x, int xOff, int rows, int cols);

  /** For x of shape (rows, cols): {@code out[c] += Σ_r x[r][c]} (accumulates; a bias gradient). */
  void addColumnSums(float[] out, int outOff, float[] x, int xOff, int rows, int cols);

  /**
   * For x of shape (batch, channels, spatial): {@code out[c] += Σ_{b,s} x[b][c][s]}
   * (accumulates; a convolution's bias gradient).
   */
  void addChannelSums(float[] out, int outOff, float[] x, int xOff,
      int batch, int channels, int spatial);

  /**
   * For x of shape (batch, channels, spatial), batch·spatial ≥ 1: the mean of each channel and
   * its biased variance {@code Σ (x - mean)² / (batch·spatial)}, two passes for accuracy (batch
   * norm's statistics). Use spatial = 1 for features (N, F).
   */
  default void meanVarianceChannels(float[] mean, int meanOff, float[] variance,
      int varianceOff, float[] x, int xOff, int batch, int channels, int spatial) {
    meanVarianceChannels(mean, meanOff, variance, varianceOff, x, xOff, batch, channels, spatial,
        0, channels);
  }

  /**
   * {@link #meanVarianceChannels(float[], int, float[], int, float[], int, int, int, int)} for
   * channels [firstChannel, endChannel) only (mean and variance written at those channels):
   * the same values as the whole call, so that threads can take channel ranges.
   */
  void meanVarianceChannels(float[] mean, int meanOff, float[] variance, int varianceOff,
      float[] x, int xOff, int batch, int channels, int spatial, int firstChannel,
      int endChannel);

  /**
   * For a and b of shape (batch, channels, spatial) and each channel c in [firstChannel,
   * endChannel): {@code sums[c] = Σ_{n,s} a[n][c][s]} and {@code dots[c] = Σ_{n,s}
   * a[n][c][s]·b[n][c][s]}, added in double across the batch (overwritten; other channels left
   * as they are). Batch norm's backward: a = dy, b = x̂, in one pass over both. Use spatial = 1
   * for features (N, F).
   */
  void sumDotChannels(double[] sums, int sumsOff, double[] dots, int dotsOff, float[] a,
      int aOff, float[] b, int bOff, int batch, int channels, int spatial, int firstChannel,
      int endChannel);
}
