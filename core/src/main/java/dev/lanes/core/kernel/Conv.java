package dev.lanes.core.kernel;

/**
 * 2-D convolution over NCHW float arrays (PyTorch's {@code Conv2d}), running the kernels that
 * {@link KernelProvider#get()} chose: im2col plus the SIMD matrix multiply, or the direct loops
 * of the scalar reference. See {@link ConvKernels} for what each pass computes and
 * {@link Conv2dGeometry} for the sizes; {@link Im2col} for the column layout.
 *
 * <p>Every method checks its arrays against the geometry and names the kernel, the argument and
 * its shape: {@code conv2d: w (16, 3, 3, 3) needs 432 elements from offset 0, but its array has 144}.
 */
public final class Conv {
  private static final ConvKernels K = KernelProvider.get().conv();

  private Conv() {}

  /** Overwrites y (N, out, outH, outW) with w ⊛ x + bias; bias (out) may be null. */
  public static void forward(float[] y, int yOff, float[] x, int xOff, float[] w, int wOff,
      float[] bias, int biasOff, Conv2dGeometry g) {
    output("conv2d", "y", y, yOff, g);
    input("conv2d", "x", x, xOff, g);
    weight("conv2d", "w", w, wOff, g);
    if (bias != null) {
      perChannel("conv2d", "bias", bias, biasOff, g);
    }
    K.forward(y, yOff, x, xOff, w, wOff, bias, biasOff, g);
  }

  /** Overwrites dx (N, C, H, W) with the input gradient for dy (N, out, outH, outW). */
  public static void backwardData(float[] dx, int dxOff, float[] dy, int dyOff, float[] w,
      int wOff, Conv2dGeometry g) {
    input("conv2dBackwardData", "dx", dx, dxOff, g);
    output("conv2dBackwardData", "dy", dy, dyOff, g);
    weight("conv2dBackwardData", "w", w, wOff, g);
    K.backwardData(dx, dxOff, dy, dyOff, w, wOff, g);
  }

  /** Adds the weight gradient into dw (out, C, kh, kw) and, unless null, Σ dy into dBias (out). */
  public static void backwardWeights(float[] dw, int dwOff, float[] dBias, int dBiasOff,
      float[] dy, int dyOff, float[] x, int xOff, Conv2dGeometry g) {
    weight("conv2dBackwardWeights", "dw", dw, dwOff, g);
    if (dBias != null) {
      perChannel("conv2dBackwardWeights", "dBias", dBias, dBiasOff, g);
    }
    output("conv2dBackwardWeights", "dy", dy, dyOff, g);
    input("conv2dBackwardWeights", "x", x, xOff, g);
    K.backwardWeights(dw, dwOff, dBias, dBiasOff, dy, dyOff, x, xOff, g);
  }

  /**
   * Both backward passes in one call, the same results as {@link #backwardWeights} then {@link
   * #backwardData} (which the kernels may overlap): dx (N, C, H, W) overwritten, dw (out, C,
   * kh, kw) and, unless null, dBias (out) added to.
   */
  public static void backward(float[] dx, int dxOff, float[] dw, int dwOff, float[] dBias,
      int dBiasOff, float[] dy, int dyOff, float[] x, int xOff, float[] w, int wOff,
      Conv2dGeometry g) {
    input("conv2dBackward", "dx", dx, dxOff, g);
    weight("conv2dBackward", "dw", dw, dwOff, g);
    if (dBias != null) {
      perChannel("conv2dBackward", "dBias", dBias, dBiasOff, g);
    }
    output("conv2dBackward", "dy", dy, dyOff, g);
    input("conv2dBackward", "x", x, xOff, g);
    weight("conv2dBackward", "w", w, wOff, g);
    K.backward(dx, dxOff, dw, dwOff, dBias, dBiasOff, dy, dyOff, x, xOff, w, wOff, g);
  }

  // Each check formats the shape for its message only when it fails, so that a valid call
  // allocates nothing (these run on every training step).

  static void input(String kernel, String name, float[] a, int off, Conv2dGeometry g) {
    if (!Checks.fits(a, off, g.inputSize())) {
      Checks.range(kernel, name + " " + g.inputShape(), a, off, g.inputSize());
    }
  }

  static void output(String kernel, String name, float[] a, int off, Conv2dGeometry g) {
    if (!Checks.fits(a, off, g.outputSize())) {
      Checks.range(kernel, name + " " + g.outputShape(), a, off, g.outputSize());
    }
  }

  static void weight(String kernel, String name, float[] a, int off, Conv2dGeometry g) {
    if (!Checks.fits(a, off, g.weightSize())) {
      Checks.range(kernel, name + " " + g.weightShape(), a, off, g.weightSize());
    }
  }

  static void perChannel(String kernel, String name, float[] a, int off,
      Conv2dGeometry g) {
    if (!Checks.fits(a, off, g.outChannels())) {
      Checks.range(kernel, name + " (" + g.outChannels() + ")", a, off, g.outChannels());
    }
  }

  /** Overwrites col (C·kh·kw, outH·outW) with the patches of image n of x. */
  public static void im2col(float[] col, int colOff, float[] x, int xOff, Conv2dGeometry g) {
    Checks.range("im2col", "col (" + g.patchSize() + ", " + g.outPlane() + ")", col, colOff,
        (long) g.patchSize() * g.outPlane());
    Checks.range("im2col", "x (" + g.inChannels() + ", " + g.height() + ", " + g.width() + ")",
        x, xOff, g.imageSize());
    Im2col.im2col(col, colOff, x, xOff, g);
  }

  /** Adds col (C·kh·kw, outH·outW) back into one image x (C, H, W): the adjoint of im2col. */
  public static void col2im(float[] x, int xOff, float[] col, int colOff, Conv2dGeometry g) {
    Checks.range("col2im", "x (" + g.inChannels() + ", " + g.height() + ", " + g.width() + ")",
        x, xOff, g.imageSize());
    Checks.range("col2im", "col (" + g.patchSize() + ", " + g.outPlane() + ")", col, colOff,
        (long) g.patchSize() * g.outPlane());
    Im2col.col2im(x, xOff, col, colOff, g, KernelProvider.get().elementwise());
  }
}
