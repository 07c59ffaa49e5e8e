package dev.lanes.core.kernel;

/**
 * The sizes of a 2-D pooling over NCHW input (batch, channels, height, width): a kernel of
 * (kernelH, kernelW) moved by (strideH, strideW) over the input padded by (padH, padW) on each
 * side. The output is (batch, channels, outHeight, outWidth) with
 * {@code outHeight = (height + 2·padH - kernelH) / strideH + 1} (floor), as in PyTorch.
 *
 * <p>Padding may be at most half the kernel (PyTorch's rule), so every window holds at least one
 * real input element.
 */
public record Pool2dGeometry(int batch, int channels, int height, int width,
    int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

  public Pool2dGeometry {
    if (batch < 0 || channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("pool2d: input (batch, channels, height, width) must be"
          + " positive (batch may be 0), got (" + batch + ", " + channels + ", " + height + ", "
          + width + ")");
    }
    if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
      throw new IllegalArgumentException("pool2d: kernel and stride must be >= 1, got kernel "
          + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW);
    }
    if (padH < 0 || padW < 0 || padH > kernelH / 2 || padW > kernelW / 2) {
      throw new IllegalArgumentException("pool2d: padding must be between 0 and half the kernel,"
          + " got padding " + padH + "x" + padW + " for kernel " + kernelH + "x" + kernelW);
    }
    if (height + 2 * padH < kernelH || width + 2 * padW < kernelW) {
      throw new IllegalArgumentException("pool2d: the " + kernelH + "x" + kernelW
          + " kernel is larger than the padded input " + (height + 2 * padH) + "x"
          + (width + 2 * padW) + ": the output would be empty");
    }
    long in = (long) batch * channels * height * width;
    if (in > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("pool2d: the input has " + in + " elements, more than an"
          + " array can hold");
    }
  }

  /** A square kernel with stride equal to the kernel and no padding (the usual 2x2 pooling). */
  public static Pool2dGeometry of(int batch, int channels, int height, int width, int kernel) {
    return new Pool2dGeometry(batch, channels, height, width, kernel, kernel, kernel, kernel, 0, 0);
  }

  public int outHeight() {
    return (height + 2 * padH - kernelH) / strideH + 1;
  }

  public int outWidth() {
    return (width + 2 * padW - kernelW) / strideW + 1;
  }

  /** batch·channels·height·width. */
  public int inputSize() {
    return batch * channels * height * width;
  }

  /** batch·channels·outHeight·outWidth. */
  public int outputSize() {
    return batch * channels * outHeight() * outWidth();
  }
}
