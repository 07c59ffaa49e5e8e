package dev.lanes.layers.loss;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Activations;
import dev.lanes.core.kernel.Elementwise;
import dev.lanes.core.kernel.Reductions;

/**
 * Sigmoid followed by binary cross-entropy, fused: from logits z and targets t in [0, 1] of one
 * shape (N, ...), with M elements in all,
 *
 * <pre>
 *   ℓ_i      = -t_i·log σ(z_i) - (1 - t_i)·log(1 - σ(z_i))
 *            = max(z_i, 0) - z_i·t_i + log(1 + exp(-|z_i|))     (= softplus(z_i) - z_i·t_i)
 *   loss     = (1/M) Σ_i ℓ_i
 *   ∂loss/∂z = (σ(z) - t) / M
 * </pre>
 *
 * <p>As PyTorch's {@code BCEWithLogitsLoss()} with the default 'mean' reduction
 * (https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html). The second form
 * never takes the log of a rounded-to-zero probability nor overflows exp, so the loss is finite
 * for logits of any size; that is why the loss takes logits and not probabilities.
 *
 * <p>Not thread-safe: forward keeps σ(z) - t for backward in a workspace sized by the first
 * batch and grown only for a larger one. NaN logits give a NaN loss; targets outside [0, 1]
 * (NaN included) throw.
 */
public final class BinaryCrossEntropyWithLogits implements Loss {
  private static final String NAME = "BinaryCrossEntropyWithLogits";

  private float[] terms = new float[0];    // (M): the per-element losses ℓ of the last forward
  private float[] gradient = new float[0]; // (M): σ(z) - t of the last forward
  private Shape lastShape;                 // shape of the last output, null before the first

  /**
   * The mean loss of logits against targets of the same shape.
   *
   * @throws IllegalArgumentException if the shapes differ, the batch is empty, or a target is
   *     outside [0, 1] or NaN (the message names the sample)
   */
  @Override
  public float forward(Tensor output, Tensor target) {
    LossChecks.batch(NAME, output);
    LossChecks.sameShape(NAME, output, target);
    checkTarget(target);
    int m = output.size();
    if (terms.length < m) {
      terms = new float[m];
      gradient = new float[m];
    }
    float[] z = output.data();
    int zOff = output.offset();
    float[] t = target.data();
    int tOff = target.offset();
    // ℓ = softplus(z) - z·t element by element: each term cancels only within itself, so a
    // confident right answer (z = 50, t = 1) costs about 0, not the difference of two large sums
    Activations.softplus(terms, 0, z, zOff, m);
    Elementwise.mul(gradient, 0, z, zOff, t, tOff, m); // z·t, borrowing the gradient buffer
    Elementwise.sub(terms, 0, terms, 0, gradient, 0, m);
    float sum = Reductions.sum(terms, 0, m);
    Activations.sigmoid(gradient, 0, z, zOff, m);
    Elementwise.sub(gradient, 0, gradient, 0, t, tOff, m);
    lastShape = output.shape();
    return sum / m;
  }

  /** dOutput := (σ(z) - t) / M for the last forward. */
  @Override
  public void backward(Tensor dOutput) {
    LossChecks.backward(NAME, lastShape, dOutput);
    int m = lastShape.size();
    Elementwise.scale(dOutput.data(), dOutput.offset(), 1f / m, gradient, 0, m);
  }

  private static void checkTarget(Tensor target) {
    float[] t = target.data();
    int off = target.offset();
    for (int i = 0, m = target.size(); i < m; i++) {
      float v = t[off + i];
      if (!(v >= 0f && v <= 1f)) {
        throw new IllegalArgumentException(NAME + ": target " + v + " at sample "
            + LossChecks.sampleOf(target, i) + " (element " + i + ") is outside [0, 1]");
      }
    }
  }
}
