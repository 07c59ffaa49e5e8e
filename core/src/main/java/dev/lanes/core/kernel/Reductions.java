package dev.lanes.core.kernel;

/**
 * Reductions on float arrays with offsets, running the kernels that {@link KernelProvider#get()}
 * chose. Every method checks its arguments and throws {@link IllegalArgumentException} naming
 * the kernel and the argument; see {@link ReductionKernels} for the semantics.
 */
public final class Reductions {
  private static final ReductionKernels K = KernelProvider.get().reductions();

  private Reductions() {}

  /** {@code Σ x[i]}; 0 for n = 0. */
  public static float sum(float[] x, int xOff, int n) {
    Checks.nonNegative("sum", "n", n);
    Checks.range("sum", "x", x, xOff, n);
    return K.sum(x, xOff, n);
  }

  /** The largest element, NaN if any is NaN, -Inf for n = 0. */
  public static float max(float[] x, int xOff, int n) {
    Checks.nonNegative("max", "n", n);
    Checks.range("max", "x", x, xOff, n);
    return K.max(x, xOff, n);
  }

  /** {@code Σ a[i]·b[i]}. */
  public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    Checks.nonNegative("dot", "n", n);
    Checks.range("dot", "a", a, aOff, n);
    Checks.range("dot", "b", b, bOff, n);
    return K.dot(a, aOff, b, bOff, n);
  }

  /** For x (rows, cols), cols ≥ 1: the index of each row's largest value (first on ties, NaN wins). */
  public static void argmaxRows(int[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    long size = Checks.product("argmaxRows", "(rows, cols)", rows, cols);
    if (cols == 0 && rows > 0) {
      throw new IllegalArgumentException("argmaxRows: rows of 0 columns have no maximum");
    }
    Checks.range("argmaxRows", "out", out, outOff, rows);
    Checks.range("argmaxRows", "x", x, xOff, size);
    K.argmaxRows(out, outOff, x, xOff, rows, cols);
  }

  /** For x (rows, cols): {@code out[c] += Σ_r x[r][c]} (accumulates). */
  public static void addColumnSums(float[] out, int outOff, float[] x, int xOff, int rows,
      int cols) {
    long size = Checks.product("addColumnSums", "(rows, cols)", rows, cols);
    Checks.range("addColumnSums", "out", out, outOff, cols);
    Checks.range("addColumnSums", "x", x, xOff, size);
    K.addColumnSums(out, outOff, x, xOff, rows, cols);
  }

  /** For x (batch, channels, spatial): {@code out[c] += Σ_{b,s} x[b][c][s]} (accumulates). */
  public static void addChannelSums(float[] out, int outOff, float[] x, int xOff,
      int batch, int channels, int spatial) {
    long size = Checks.product("addChannelSums", "(batch, channels, spatial)",
        batch, channels, spatial);
    Checks.range("addChannelSums", "out", out, outOff, channels);
    Checks.range("addChannelSums", "x", x, xOff, size);
    K.addChannelSums(out, outOff, x, xOff, batch, channels, spatial);
  }

  /**
   * For x (batch, channels, spatial) with batch·spatial ≥ 1: each channel's mean and biased
   * variance. Use spatial = 1 for features (N, F).
   */
  public static void meanVarianceChannels(float[] mean, int meanOff, float[] variance,
      int varianceOff, float[] x, int xOff, int batch, int channels, int spatial) {
    meanVarianceChannels(mean, meanOff, variance, varianceOff, x, xOff, batch, channels, spatial,
        0, channels);
  }

  /**
   * The same for channels [firstChannel, endChannel) only, with the values the whole call gives
   * them (batch norm's threads each take a range of channels); the other channels' mean and
   * variance are left as they are.
   */
  public static void meanVarianceChannels(float[] mean, int meanOff, float[] variance,
      int varianceOff, float[] x, int xOff, int batch, int channels, int spatial,
      int firstChannel, int endChannel) {
    String k = "meanVarianceChannels";
    long size = Checks.product(k, "(batch, channels, spatial)", batch, channels, spatial);
    if ((long) batch * spatial == 0 && channels > 0) {
      throw new IllegalArgumentException(k + ": no values per channel (batch " + batch
          + ", spatial " + spatial + "): the mean of nothing is undefined");
    }
    channelRange(k, channels, firstChannel, endChannel);
    Checks.range(k, "mean", mean, meanOff, channels);
    Checks.range(k, "variance", variance, varianceOff, channels);
    Checks.range(k, "x", x, xOff, size);
    K.meanVarianceChannels(mean, meanOff, variance, varianceOff, x, xOff, batch, channels, spatial,
        firstChannel, endChannel);
  }

  /**
   * For a and b (batch, channels, spatial): each channel's {@code Σ a} and {@code Σ a·b} into
   * sums and dots, for channels [firstChannel, endChannel) only (see {@link
   * ReductionKernels#sumDotChannels}).
   */
  public static void sumDotChannels(double[] sums, int sumsOff, double[] dots, int dotsOff,
      float[] a, int aOff, float[] b, int bOff, int batch, int channels, int spatial,
      int firstChannel, int endChannel) {
    String k = "sumDotChannels";
    long size = Checks.product(k, "(batch, channels, spatial)", batch, channels, spatial);
    channelRange(k, channels, firstChannel, endChannel);
    Checks.range(k, "sums", sums, sumsOff, channels);
    Checks.range(k, "dots", dots, dotsOff, channels);
    Checks.range(k, "a", a, aOff, size);
    Checks.range(k, "b", b, bOff, size);
    K.sumDotChannels(sums, sumsOff, dots, dotsOff, a, aOff, b, bOff, batch, channels, spatial,
        firstChannel, endChannel);
  }

  private static void channelRange(String kernel, int channels, int firstChannel,
      int endChannel) {
    if (firstChannel < 0 || firstChannel > endChannel || endChannel > channels) {
      throw new IllegalArgumentException(kernel + ": channels [" + firstChannel + ", "
          + endChannel + ") are not a range of the " + channels + " channels");
    }
  }
}
