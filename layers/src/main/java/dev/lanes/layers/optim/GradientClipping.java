package dev.lanes.layers.optim;

import dev.lanes.core.kernel.Elementwise;
import dev.lanes.core.kernel.Reductions;
import dev.lanes.layers.Param;
import java.util.List;

/**
 * Gradient clipping by global norm, as PyTorch's {@code clip_grad_norm_}
 * (https://pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_norm_.html):
 *
 * <pre>
 *   n = √(Σ_p Σ_i g_i²)                  over all gradients together
 *   if n > maxNorm:  g ← g · maxNorm / (n + 1e-6)
 * </pre>
 *
 * <p>Scaling every gradient by one factor keeps the direction of the whole update and only
 * shortens it; the 1e-6 is PyTorch's guard against dividing by a zero norm.
 */
public final class GradientClipping {
  private static final String NAME = "clipByGlobalNorm";

  private GradientClipping() {}

  /**
   * Scales the gradients of params in place so that their global L2 norm is at most maxNorm,
   * and returns the norm before clipping. A non-finite norm (an Inf or NaN gradient) is returned
   * with the gradients left as they are: scaling would turn them all into NaN or 0, and the
   * caller can test the result and skip the step instead.
   *
   * @throws IllegalArgumentException if maxNorm is not > 0 and finite
   */
  public static float clipByGlobalNorm(List<Param> params, float maxNorm) {
    if (!(maxNorm > 0f && maxNorm < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          NAME + ": maxNorm must be > 0 and finite, got " + maxNorm);
    }
    double sumOfSquares = 0; // across parameters in double: their sums can differ by decades
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      float[] g = p.grad().data();
      sumOfSquares += Reductions.dot(g, p.grad().offset(), g, p.grad().offset(), p.size());
    }
    double norm = Math.sqrt(sumOfSquares);
    if (norm > maxNorm && norm < Double.POSITIVE_INFINITY) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (int i = 0; i < params.size(); i++) {
        Param p = params.get(i);
        float[] g = p.grad().data();
        Elementwise.scale(g, p.grad().offset(), scale, g, p.grad().offset(), p.size());
      }
    }
    return (float) norm;
  }
}
