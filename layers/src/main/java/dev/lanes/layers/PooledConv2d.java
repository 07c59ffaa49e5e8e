package dev.lanes.layers;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.Pool2dGeometry;
import dev.lanes.core.kernel.PooledConv;

/**
 * A {@link Conv2d} and the {@link MaxPool2d} after it, trained as one step by {@link
 * PooledConv}: image by image, so that the convolution's output (N, filters, outH, outW) is
 * never stored, only the pooled (N, filters, poolH, poolW) and where each pooled value came
 * from. The two layers keep their parameters, names, shapes and inference path; this runs
 * their training forward and backward in their place, with the same results (see {@link
 * PooledConv}). Where {@link #fuses} says no, run the layers one after the other.
 *
 * <p>Made {@linkplain #PooledConv2d(Conv2d, MaxPool2d, boolean) with a relu}, it also applies
 * relu to the pooled values, image by image in the same pass, and returns that: a CNN's conv,
 * relu and pool, the relu moved past the pooling (exact, see the dsl's TrainingPath).
 */
public final class PooledConv2d {
  private final Conv2d conv;
  private final MaxPool2d pool;
  private final boolean relu;
  private Conv2dGeometry convGeometry;
  private Pool2dGeometry poolGeometry;
  private Tensor input;                  // cached by forward for backward, (N, C, H, W)
  private int[] argmax = new int[0];     // (N, filters, poolH, poolW), index in the plane
  private final Workspace out = new Workspace();
  private final Workspace reluOut = new Workspace();
  private final Workspace dInput = new Workspace();
  private Tensor pooled;                 // the pooled values of the last forward

  /**
   * {@code conv} then {@code pool}, both built, the pooling on the convolution's output.
   *
   * @throws IllegalArgumentException if pool does not take conv's output shape
   */
  public PooledConv2d(Conv2d conv, MaxPool2d pool) {
    this(conv, pool, false);
  }

  /**
   * {@code conv} then {@code pool}, then relu on the pooled values if {@code relu}.
   *
   * @throws IllegalArgumentException if pool does not take conv's output shape
   */
  public PooledConv2d(Conv2d conv, MaxPool2d pool, boolean relu) {
    if (!pool.inputShape().equals(conv.outputShape())) {
      throw new IllegalArgumentException(pool.describe() + " takes " + pool.inputShape()
          + ", not the output " + conv.outputShape() + " of " + conv.describe());
    }
    this.conv = conv;
    this.pool = pool;
    this.relu = relu;
    convGeometry = conv.geometry(1);
    poolGeometry = pool.geometry(1);
  }

  /** Whether the kernels run these two together (see {@link PooledConv#applies}). */
  public static boolean fuses(Conv2d conv, MaxPool2d pool) {
    return pool.inputShape().equals(conv.outputShape())
        && PooledConv.applies(conv.geometry(1), pool.geometry(1));
  }

  /**
   * The training forward of both layers: the pooled output (N, filters, poolH, poolW), or its
   * relu.
   */
  public Tensor forward(Tensor x) {
    int n = conv.checkInput(x);
    if (convGeometry.batch() != n) {
      convGeometry = conv.geometry(n);
      poolGeometry = pool.geometry(n);
    }
    Tensor y = out.get(n, pool.outputShape());
    if (argmax.length < y.size()) {
      argmax = new int[y.size()];
    }
    Tensor w = conv.weight().value();
    Param bias = conv.bias();
    float[] b = bias == null ? null : bias.value().data();
    int bOff = bias == null ? 0 : bias.value().offset();
    input = x;
    pooled = y;
    if (!relu) {
      PooledConv.forward(y.data(), y.offset(), argmax, 0, x.data(), x.offset(), w.data(),
          w.offset(), b, bOff, convGeometry, poolGeometry);
      return y;
    }
    Tensor r = reluOut.get(n, pool.outputShape());
    PooledConv.forwardThenRelu(y.data(), y.offset(), r.data(), r.offset(), argmax, 0, x.data(),
        x.offset(), w.data(), w.offset(), b, bOff, convGeometry, poolGeometry);
    return r;
  }

  /** Adds the convolution's parameter gradients and returns the input gradient (N, C, H, W). */
  public Tensor backward(Tensor dOut) {
    Tensor dx = dInput.get(checkGradient(dOut), conv.inputShape());
    backward(dOut, dx);
    return dx;
  }

  /** The parameter gradients only (the model's first step: its input needs none). */
  public void backwardParameters(Tensor dOut) {
    checkGradient(dOut);
    backward(dOut, null);
  }

  private int checkGradient(Tensor dOut) {
    if (input == null) {
      throw conv.noForward();
    }
    int n = input.dim(0);
    pool.checkGradient(dOut, n);
    return n;
  }

  /** dOut: the gradient of forward's result, the pooled values or their relu. */
  private void backward(Tensor dOut, Tensor dx) {
    Tensor w = conv.weight().value();
    Tensor dw = conv.weight().grad();
    Param bias = conv.bias();
    float[] dxData = dx == null ? null : dx.data();
    int dxOff = dx == null ? 0 : dx.offset();
    float[] db = bias == null ? null : bias.grad().data();
    int dbOff = bias == null ? 0 : bias.grad().offset();
    if (relu) {
      PooledConv.backwardThroughRelu(dxData, dxOff, dw.data(), dw.offset(), db, dbOff,
          dOut.data(), dOut.offset(), pooled.data(), pooled.offset(), argmax, 0, input.data(),
          input.offset(), w.data(), w.offset(), convGeometry, poolGeometry);
    } else {
      PooledConv.backward(dxData, dxOff, dw.data(), dw.offset(), db, dbOff, dOut.data(),
          dOut.offset(), argmax, 0, input.data(), input.offset(), w.data(), w.offset(),
          convGeometry, poolGeometry);
    }
  }
}
