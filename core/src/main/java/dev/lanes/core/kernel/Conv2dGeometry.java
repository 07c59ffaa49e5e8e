package dev.lanes.core.kernel;

import dev.lanes.core.Shape;

/**
 * The sizes of a 2-D convolution of an NCHW input (batch, inChannels, height, width) with a
 * weight (outChannels, inChannels, kernelH, kernelW): stride, zero padding on each side and
 * dilation per axis, as in PyTorch's {@code Conv2d}. The output is (batch, outChannels,
 * outHeight, outWidth) with
 * {@code outHeight = (height + 2·padH - dilationH·(kernelH - 1) - 1) / strideH + 1} (floor).
 *
 * <p>im2col views one image as a matrix of {@link #patchSize()} = inChannels·kernelH·kernelW
 * rows by {@link #outPlane()} = outHeight·outWidth columns.
 */
public record Conv2dGeometry(int batch, int inChannels, int height, int width, int outChannels,
    int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH,
    int dilationW) {

  public Conv2dGeometry {
    if (batch < 0 || inChannels < 1 || height < 1 || width < 1 || outChannels < 1) {
      throw new IllegalArgumentException("conv2d: input (batch, channels, height, width) and"
          + " output channels must be positive (batch may be 0), got input " + Shape.format(batch,
              inChannels, height, width) + " and " + outChannels + " output channels");
    }
    if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1
        || dilationW < 1 || padH < 0 || padW < 0) {
      throw new IllegalArgumentException("conv2d: kernel, stride and dilation must be >= 1 and"
          + " padding >= 0, got kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x"
          + strideW + ", padding " + padH + "x" + padW + ", dilation " + dilationH + "x"
          + dilationW);
    }
    int spanH = dilationH * (kernelH - 1) + 1;
    int spanW = dilationW * (kernelW - 1) + 1;
    if (height + 2 * padH < spanH || width + 2 * padW < spanW) {
      throw new IllegalArgumentException("conv2d: the output would be empty: the kernel spans "
          + spanH + "x" + spanW + " (kernel " + kernelH + "x" + kernelW + ", dilation "
          + dilationH + "x" + dilationW + ") but the padded input is only "
          + (height + 2 * padH) + "x" + (width + 2 * padW));
    }
    long in = (long) batch * inChannels * height * width;
    long col = (long) inChannels * kernelH * kernelW * outPlane(height, width, padH, padW,
        strideH, strideW, spanH, spanW);
    long out = (long) batch * outChannels * outPlane(height, width, padH, padW, strideH, strideW,
        spanH, spanW);
    if (in > Integer.MAX_VALUE || col > Integer.MAX_VALUE || out > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("conv2d: input " + Shape.format(batch, inChannels,
          height, width) + " gives more elements than an array can hold");
    }
  }

  private static long outPlane(int h, int w, int ph, int pw, int sh, int sw, int spanH,
      int spanW) {
    return (long) ((h + 2 * ph - spanH) / sh + 1) * ((w + 2 * pw - spanW) / sw + 1);
  }

  /**
   * The geometry for an input of shape (N, C, H, W) and a weight of shape (out, C, kh, kw), with
   * the same stride, padding and dilation on both axes.
   *
   * @throws IllegalArgumentException naming both shapes when they do not fit, for example
   *     {@code conv2d: input (32, 3, 28, 28) has 3 channels but the weight (16, 1, 3, 3) expects 1}
   */
  public static Conv2dGeometry of(Shape input, Shape weight, int stride, int padding,
      int dilation) {
    if (input.rank() != 4) {
      throw new IllegalArgumentException("conv2d: expected an input (N, C, H, W), got " + input);
    }
    if (weight.rank() != 4) {
      throw new IllegalArgumentException(
          "conv2d: expected a weight (out, in, kh, kw), got " + weight);
    }
    if (input.dim(1) != weight.dim(1)) {
      throw new IllegalArgumentException("conv2d: input " + input + " has " + input.dim(1)
          + " channels but the weight " + weight + " expects " + weight.dim(1));
    }
    return new Conv2dGeometry(input.dim(0), input.dim(1), input.dim(2), input.dim(3),
        weight.dim(0), weight.dim(2), weight.dim(3), stride, stride, padding, padding, dilation,
        dilation);
  }

  public int outHeight() {
    return (height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1;
  }

  public int outWidth() {
    return (width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1;
  }

  /** outHeight·outWidth: the columns of one image's im2col matrix. */
  public int outPlane() {
    return outHeight() * outWidth();
  }

  /** inChannels·kernelH·kernelW: the rows of the im2col matrix, the columns of the weight. */
  public int patchSize() {
    return inChannels * kernelH * kernelW;
  }

  /** inChannels·height·width: one input image. */
  public int imageSize() {
    return inChannels * height * width;
  }

  public int inputSize() {
    return batch * imageSize();
  }

  public int outputSize() {
    return batch * outChannels * outPlane();
  }

  public int weightSize() {
    return outChannels * patchSize();
  }

  /** A 1x1 kernel, stride 1, no padding: the input image already is its im2col matrix. */
  public boolean isPointwise() {
    return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0
        && padW == 0;
  }

  /** The same geometry for another batch size. */
  public Conv2dGeometry withBatch(int n) {
    return new Conv2dGeometry(n, inChannels, height, width, outChannels, kernelH, kernelW,
        strideH, strideW, padH, padW, dilationH, dilationW);
  }

  /** "(N, C, H, W)" of the input, for messages. */
  public String inputShape() {
    return Shape.format(batch, inChannels, height, width);
  }

  /** "(out, in, kh, kw)" of the weight, for messages. */
  public String weightShape() {
    return Shape.format(outChannels, inChannels, kernelH, kernelW);
  }

  /** "(N, out, outH, outW)" of the output, for messages. */
  public String outputShape() {
    return Shape.format(batch, outChannels, outHeight(), outWidth());
  }
}
