package dev.lanes.layers.loss;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Elementwise;
import dev.lanes.core.kernel.Reductions;

/**
 * Mean squared error over all M elements of output o and target t, both (N, ...) of one shape:
 *
 * <pre>
 *   loss    = (1/M) Σ_i (o_i - t_i)²
 *   ∂loss/∂o = (2/M) (o - t)
 * </pre>
 *
 * <p>As PyTorch's {@code MSELoss()} with its default 'mean' reduction, which averages over every
 * element, not only over the batch
 * (https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html).
 *
 * <p>Not thread-safe: forward keeps o - t for backward in a workspace sized by the first batch
 * and grown only for a larger one. Targets must be finite; NaN outputs give a NaN loss.
 */
public final class MeanSquaredError implements Loss {
  private static final String NAME = "MeanSquaredError";

  private float[] diff = new float[0]; // (M): o - t of the last forward
  private Shape lastShape;             // shape of the last output, null before the first

  /**
   * The mean squared error of output against a target of the same shape.
   *
   * @throws IllegalArgumentException if the shapes differ, the batch is empty, or the target
   *     has NaN or an infinity (the message names the sample)
   */
  @Override
  public float forward(Tensor output, Tensor target) {
    LossChecks.batch(NAME, output);
    LossChecks.sameShape(NAME, output, target);
    checkTarget(target);
    int m = output.size();
    if (diff.length < m) {
      diff = new float[m];
    }
    Elementwise.sub(diff, 0, output.data(), output.offset(), target.data(), target.offset(), m);
    float sumOfSquares = Reductions.dot(diff, 0, diff, 0, m);
    lastShape = output.shape();
    return sumOfSquares / m;
  }

  /** dOutput := (2/M)(o - t) for the last forward. */
  @Override
  public void backward(Tensor dOutput) {
    LossChecks.backward(NAME, lastShape, dOutput);
    int m = lastShape.size();
    Elementwise.scale(dOutput.data(), dOutput.offset(), 2f / m, diff, 0, m);
  }

  private static void checkTarget(Tensor target) {
    float[] t = target.data();
    int off = target.offset();
    for (int i = 0, m = target.size(); i < m; i++) {
      float v = t[off + i];
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(NAME + ": target has " + v + " at sample "
            + LossChecks.sampleOf(target, i) + " (element " + i + "); targets must be finite");
      }
    }
  }
}
