package dev.lanes.layers;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Pool;
import dev.lanes.core.kernel.Pool2dGeometry;

/**
 * A {@link MaxPool2d} and a relu on its output, trained as one step by {@link
 * Pool#maxPoolReluForward}: a CNN's relu and max pooling with the relu moved past the pooling
 * (exact, see the dsl's TrainingPath), the relu run on each block of pooled values while it is
 * in the cache instead of in a pass of its own over the batch. The pooling layer keeps its
 * name, shapes and inference path; this runs the training forward and backward in place of it
 * and the relu, with the same results bit for bit.
 */
public final class PooledRelu {
  private final MaxPool2d pool;
  private Pool2dGeometry geometry;
  private int trainedBatch = -1;             // batch of the last forward
  private int[] argmax = new int[0];         // (N, C, outH, outW), index in the plane
  private final Workspace pooled = new Workspace();  // the pooled values, relu's input
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();
  private Tensor pooledValues;

  /** {@code pool}, built, then relu. */
  public PooledRelu(MaxPool2d pool) {
    this.pool = pool;
    geometry = pool.geometry(1);
  }

  /** The training forward: relu of the pooled x, (N, C, outH, outW). */
  public Tensor forward(Tensor x) {
    int n = pool.checkInput(x);
    if (geometry.batch() != n) {
      geometry = pool.geometry(n);
    }
    Tensor p = pooled.get(n, pool.outputShape());
    Tensor y = out.get(n, pool.outputShape());
    if (argmax.length < y.size()) {
      argmax = new int[y.size()];
    }
    Pool.maxPoolReluForward(p.data(), p.offset(), y.data(), y.offset(), argmax, 0, x.data(),
        x.offset(), geometry);
    pooledValues = p;
    trainedBatch = n;
    return y;
  }

  /** The input gradient (N, C, H, W) from dOut, the gradient of forward's result. */
  public Tensor backward(Tensor dOut) {
    if (trainedBatch < 0) {
      throw pool.noForward();
    }
    pool.checkGradient(dOut, trainedBatch);
    Tensor dx = dInput.get(trainedBatch, pool.inputShape());
    Pool.maxPoolReluBackward(dx.data(), dx.offset(), dOut.data(), dOut.offset(),
        pooledValues.data(), pooledValues.offset(), argmax, 0, geometry);
    return dx;
  }
}
