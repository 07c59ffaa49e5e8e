package dev.lanes.core.kernel;

/**
 * Numerically stable softmax and log-softmax along the rows of a (rows, cols) matrix, running
 * the kernels that {@link KernelProvider#get()} chose. See {@link SoftmaxKernels}.
 */
public final class Softmax {
  private static final SoftmaxKernels K = KernelProvider.get().softmax();

  private Softmax() {}

  /** Each row of out becomes the softmax of that row of x: positive values summing to 1. */
  public static void softmaxRows(float[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    check("softmaxRows", out, outOff, x, xOff, rows, cols);
    K.softmaxRows(out, outOff, x, xOff, rows, cols);
  }

  /** Each row of out becomes the log-softmax of that row of x. */
  public static void logSoftmaxRows(float[] out, int outOff, float[] x, int xOff, int rows,
      int cols) {
    check("logSoftmaxRows", out, outOff, x, xOff, rows, cols);
    K.logSoftmaxRows(out, outOff, x, xOff, rows, cols);
  }

  private static void check(String kernel, float[] out, int outOff, float[] x, int xOff,
      int rows, int cols) {
    long size = Checks.product(kernel, "(rows, cols)", rows, cols);
    Checks.range(kernel, "out", out, outOff, size);
    Checks.range(kernel, "x", x, xOff, size);
  }
}
