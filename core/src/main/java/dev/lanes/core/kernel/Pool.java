package dev.lanes.core.kernel;

/**
 * Max, average and global average pooling over NCHW float arrays, running the kernels that
 * {@link KernelProvider#get()} chose. See {@link PoolKernels} for the semantics (ties, NaN,
 * padding) and {@link Pool2dGeometry} for the sizes.
 */
public final class Pool {
  private static final PoolKernels K = KernelProvider.get().pool();

  private Pool() {}

  public static void maxPoolForward(float[] out, int outOff, int[] argmax, int argOff, float[] x,
      int xOff, Pool2dGeometry g) {
    Checks.range("maxPool2d", "out", out, outOff, g.outputSize());
    Checks.range("maxPool2d", "argmax", argmax, argOff, g.outputSize());
    input("maxPool2d", x, xOff, g);
    K.maxPoolForward(out, outOff, argmax, argOff, x, xOff, g);
  }

  public static void maxPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, int[] argmax,
      int argOff, Pool2dGeometry g) {
    input("maxPool2dBackward", dx, dxOff, g);
    Checks.range("maxPool2dBackward", "dy", dy, dyOff, g.outputSize());
    Checks.range("maxPool2dBackward", "argmax", argmax, argOff, g.outputSize());
    K.maxPoolBackward(dx, dxOff, dy, dyOff, argmax, argOff, g);
  }

  public static void avgPoolForward(float[] out, int outOff, float[] x, int xOff,
      Pool2dGeometry g, boolean countPadding) {
    Checks.range("avgPool2d", "out", out, outOff, g.outputSize());
    input("avgPool2d", x, xOff, g);
    K.avgPoolForward(out, outOff, x, xOff, g, countPadding);
  }

  public static void avgPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff,
      Pool2dGeometry g, boolean countPadding) {
    input("avgPool2dBackward", dx, dxOff, g);
    Checks.range("avgPool2dBackward", "dy", dy, dyOff, g.outputSize());
    K.avgPoolBackward(dx, dxOff, dy, dyOff, g, countPadding);
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
  private static void input(String kernel, float[] x, int off, Pool2dGeometry g) {
    if (!Checks.fits(x, off, g.inputSize())) {
      String name = kernel.endsWith("Backward") ? "dx " : "x ";
      Checks.range(kernel, name + dev.lanes.core.Shape.format(g.batch(), g.channels(),
          g.height(), g.width()), x, off, g.inputSize());
    }
  }
}
