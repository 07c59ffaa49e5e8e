package dev.lanes.core.kernel;

/**
 * 2-D max and average pooling over NCHW tensors, and global average pooling. Arguments are
 * checked by the {@link Pool} facade.
 *
 * <p>Max pooling scans each window row by row (kernel row outer, column inner) and keeps the
 * first element that is strictly greater than the best so far, so <b>ties go to the first
 * element in row-major window order</b>; NaN counts as greater than any number (the first NaN
 * wins and the output is NaN, as in PyTorch). Padding is never selected.
 */
public interface PoolKernels {
  /**
   * out (N, C, outH, outW) = the window maxima of x (N, C, H, W); {@code argmax} gets, for each
   * output, the index {@code ih·W + iw} of the chosen element within its (n, c) input plane.
   */
  void maxPoolForward(float[] out, int outOff, int[] argmax, int argOff, float[] x, int xOff,
      Pool2dGeometry g);

  /** Overwrites dx (N, C, H, W): zero, then {@code dx[plane + argmax] += dy} for every output. */
  void maxPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, int[] argmax, int argOff,
      Pool2dGeometry g);

  /**
   * out (N, C, outH, outW) = window sums (row-major order) divided by kernelH·kernelW when
   * {@code countPadding}, else by the number of real (unpadded) elements in the window.
   */
  void avgPoolForward(float[] out, int outOff, float[] x, int xOff, Pool2dGeometry g,
      boolean countPadding);

  /** Overwrites dx (N, C, H, W): each output's dy divided by its count, added to its window. */
  void avgPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, Pool2dGeometry g,
      boolean countPadding);

  /** out (N, C) = the mean of each (n, c) plane of x (N, C, spatial). */
  void globalAvgPoolForward(float[] out, int outOff, float[] x, int xOff, int batch, int channels,
      int spatial);

  /** Overwrites dx (N, C, spatial) with dy[n, c] / spatial. */
  void globalAvgPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, int batch,
      int channels, int spatial);
}
