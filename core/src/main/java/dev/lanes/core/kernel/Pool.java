package dev.lanes.core.kernel;

/**
 * Max, average and global average pooling over NCHW float arrays, running the kernels that
 * {@link KernelProvider#get()} chose. See {@link PoolKernels} for the semantics (ties, NaN,
 * padding) and {@link Pool2dGeometry} for the sizes. Inputs of at least 64 K elements are
 * pooled on the shared pool, blocks of whole planes at a time, with the same result bit for bit
 * for any thread count.
 */
public final class Pool {
  private static final PoolKernels K = KernelProvider.get().pool();
  private static final ActivationKernels ACTIVATIONS = KernelProvider.get().activations();

  private Pool() {}

  public static void maxPoolForward(float[] out, int outOff, int[] argmax, int argOff, float[] x,
      int xOff, Pool2dGeometry g) {
    Checks.range("maxPool2d", "out", out, outOff, g.outputSize());
    Checks.range("maxPool2d", "argmax", argmax, argOff, g.outputSize());
    input("maxPool2d", x, xOff, g);
    PoolSplit.run(K, PoolSplit.Op.MAX_FORWARD, g, x, xOff, out, outOff, argmax, argOff, false);
  }

  public static void maxPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, int[] argmax,
      int argOff, Pool2dGeometry g) {
    input("maxPool2dBackward", dx, dxOff, g);
    Checks.range("maxPool2dBackward", "dy", dy, dyOff, g.outputSize());
    Checks.range("maxPool2dBackward", "argmax", argmax, argOff, g.outputSize());
    PoolSplit.run(K, PoolSplit.Op.MAX_BACKWARD, g, dx, dxOff, dy, dyOff, argmax, argOff, false);
  }

  /**
   * {@link #maxPoolForward}, and relu (N, C, outH, outW) overwritten with max(out, 0) as
   * {@link Activations#relu} computes it: a CNN's relu moved past its max pooling (which is
   * exact, relu being monotone), run on each block of pooled values while it is in the cache.
   */
  public static void maxPoolReluForward(float[] out, int outOff, float[] relu, int reluOff,
      int[] argmax, int argOff, float[] x, int xOff, Pool2dGeometry g) {
    Checks.range("maxPool2dRelu", "out", out, outOff, g.outputSize());
    Checks.range("maxPool2dRelu", "relu", relu, reluOff, g.outputSize());
    Checks.range("maxPool2dRelu", "argmax", argmax, argOff, g.outputSize());
    input("maxPool2dRelu", x, xOff, g);
    PoolSplit.runWithRelu(K, ACTIVATIONS, PoolSplit.Op.MAX_RELU_FORWARD, g, x, xOff, out,
        outOff, argmax, argOff, relu, reluOff);
  }

  /**
   * The backward of {@link #maxPoolReluForward}: from dRelu, the gradient of its relu output,
   * and {@code out}, the pooled values the relu took, overwrites dx (N, C, H, W) with what
   * {@link Activations#reluBackward} then {@link #maxPoolBackward} give.
   */
  public static void maxPoolReluBackward(float[] dx, int dxOff, float[] dRelu, int dReluOff,
      float[] out, int outOff, int[] argmax, int argOff, Pool2dGeometry g) {
    input("maxPool2dReluBackward", dx, dxOff, g);
    Checks.range("maxPool2dReluBackward", "dRelu", dRelu, dReluOff, g.outputSize());
    Checks.range("maxPool2dReluBackward", "out", out, outOff, g.outputSize());
    Checks.range("maxPool2dReluBackward", "argmax", argmax, argOff, g.outputSize());
    PoolSplit.runWithRelu(K, ACTIVATIONS, PoolSplit.Op.MAX_RELU_BACKWARD, g, dx, dxOff, dRelu,
        dReluOff, argmax, argOff, out, outOff);
  }

  public static void avgPoolForward(float[] out, int outOff, float[] x, int xOff,
      Pool2dGeometry g, boolean countPadding) {
    Checks.range("avgPool2d", "out", out, outOff, g.outputSize());
    input("avgPool2d", x, xOff, g);
    PoolSplit.run(K, PoolSplit.Op.AVG_FORWARD, g, x, xOff, out, outOff, null, 0, countPadding);
  }

  public static void avgPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff,
      Pool2dGeometry g, boolean countPadding) {
    input("avgPool2dBackward", dx, dxOff, g);
    Checks.range("avgPool2dBackward", "dy", dy, dyOff, g.outputSize());
    PoolSplit.run(K, PoolSplit.Op.AVG_BACKWARD, g, dx, dxOff, dy, dyOff, null, 0, countPadding);
  }

  /** out (N, C) = the mean over the spatial positions of each plane of x (N, C, spatial). */
  public static void globalAvgPoolForward(float[] out, int outOff, float[] x, int xOff, int batch,
      int channels, int spatial) {
    long size = Checks.product("globalAvgPool", "(batch, channels, spatial)", batch, channels,
        spatial);
    if (spatial == 0) {
      throw new IllegalArgumentException("globalAvgPool: a plane of 0 positions has no mean");
    }
    Checks.range("globalAvgPool", "out", out, outOff, (long) batch * channels);
    Checks.range("globalAvgPool", "x", x, xOff, size);
    K.globalAvgPoolForward(out, outOff, x, xOff, batch, channels, spatial);
  }

  public static void globalAvgPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff,
      int batch, int channels, int spatial) {
    long size = Checks.product("globalAvgPoolBackward", "(batch, channels, spatial)", batch,
        channels, spatial);
    if (spatial == 0) {
      throw new IllegalArgumentException("globalAvgPoolBackward: a plane of 0 positions");
    }
    Checks.range("globalAvgPoolBackward", "dx", dx, dxOff, size);
    Checks.range("globalAvgPoolBackward", "dy", dy, dyOff, (long) batch * channels);
    K.globalAvgPoolBackward(dx, dxOff, dy, dyOff, batch, channels, spatial);
  }

  /** Checks an input-shaped array; the shape goes into the message only when it fails. */
  static void input(String kernel, float[] x, int off, Pool2dGeometry g) {
    if (!Checks.fits(x, off, g.inputSize())) {
      String name = kernel.endsWith("Backward") ? "dx " : "x ";
      Checks.range(kernel, name + dev.lanes.core.Shape.format(g.batch(), g.channels(),
          g.height(), g.width()), x, off, g.inputSize());
    }
  }
}
