package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.kernel.Pool2dGeometry;

/** The shape checks the pooling layers share. */
final class PoolLayers {
  private PoolLayers() {}

  static Pool2dGeometry geometry(AbstractLayer layer, Shape in, int kernel, int stride,
      int padding) {
    if (in.rank() != 3) {
      throw layer.badInput("(N, C, H, W)", in, "pooling needs images");
    }
    try {
      return new Pool2dGeometry(1, in.dim(0), in.dim(1), in.dim(2), kernel, kernel, stride,
          stride, padding, padding);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(layer.describe() + ": " + e.getMessage(), e);
    }
  }

  static Pool2dGeometry withBatch(Pool2dGeometry g, int n) {
    return g.batch() == n ? g : new Pool2dGeometry(n, g.channels(), g.height(), g.width(),
        g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW());
  }
}
