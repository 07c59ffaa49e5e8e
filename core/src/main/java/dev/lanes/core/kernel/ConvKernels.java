package dev.lanes.core.kernel;

/**
 * 2-D convolution over NCHW tensors (PyTorch's {@code Conv2d}, cross-correlation), with its two
 * backward passes. x is (N, C, H, W), w is (out, C, kh, kw), y is (N, out, outH, outW); see
 * {@link Conv2dGeometry}. Arguments are checked by the {@link Conv} facade; a null bias means
 * no bias.
 */
public interface ConvKernels {
  /** Overwrites y with {@code y = w ⊛ x + b}. */
  void forward(float[] y, int yOff, float[] x, int xOff, float[] w, int wOff, float[] bias,
      int biasOff, Conv2dGeometry g);

  /** Overwrites dx with the gradient of the input: forward was y = w ⊛ x, so dx = wᵀ ⊛ dy. */
  void backwardData(float[] dx, int dxOff, float[] dy, int dyOff, float[] w, int wOff,
      Conv2dGeometry g);

  /**
   * Accumulates the parameter gradients: {@code dw += dy ⋆ x} (each weight's sum over the batch
   * and the output positions it touched) and, unless dBias is null, {@code dBias += Σ dy} per
   * output channel.
   */
  void backwardWeights(float[] dw, int dwOff, float[] dBias, int dBiasOff, float[] dy, int dyOff,
      float[] x, int xOff, Conv2dGeometry g);

  /**
   * Both backward passes: {@link #backwardWeights} then {@link #backwardData}, the same results
   * as the two calls. Kernels may overlap them: they are independent (a convolution's weight
   * gradient is needed only by the optimizer).
   */
  default void backward(float[] dx, int dxOff, float[] dw, int dwOff, float[] dBias,
      int dBiasOff, float[] dy, int dyOff, float[] x, int xOff, float[] w, int wOff,
      Conv2dGeometry g) {
    backwardWeights(dw, dwOff, dBias, dBiasOff, dy, dyOff, x, xOff, g);
    backwardData(dx, dxOff, dy, dyOff, w, wOff, g);
  }

  /**
   * Whether these kernels run g's forward and weight gradient an image at a time anyway, each
   * image by the same operations whatever the batch, so that calling them on one image at a
   * time costs nothing and changes no result ({@link PooledConv} does, to pool each image's
   * output while it is still in the cache). No by default.
   */
  default boolean imageByImage(Conv2dGeometry g) {
    return false;
  }
}
