package dev.lanes.layers.optim;

import dev.lanes.core.kernel.Elementwise;
import dev.lanes.core.kernel.Reductions;
import dev.lanes.layers.Param;
import java.util.List;

/**
 * L2 regularisation for any optimizer: the penalty (λ/2)·Σ‖w‖² over the given parameters, and
 * its gradient λ·w added to each parameter's gradient. Call {@link #addGradient} after backward
 * and before the optimizer's step; add {@link #penalty} to the reported loss if wanted.
 *
 * <pre>{@code
 * List<Param> weights = params.stream().filter(p -> p.name().startsWith("weight")).toList();
 * L2Regularization.addGradient(weights, 1e-4f);   // biases are usually left out
 * optimizer.step(params, lr);
 * }</pre>
 *
 * <p>With {@link Sgd}, this is PyTorch's {@code weight_decay=λ}; with Adam it is Adam's coupled
 * weight decay, not AdamW's decoupled one.
 */
public final class L2Regularization {
  private static final String NAME = "L2Regularization";

  private L2Regularization() {}

  /** grad ← grad + λ·value for every parameter; λ ≥ 0 (0 does nothing). */
  public static void addGradient(List<Param> params, float lambda) {
    OptimChecks.nonNegative(NAME, "lambda", lambda);
    if (lambda == 0f) {
      return;
    }
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      Elementwise.axpy(p.grad().data(), p.grad().offset(), lambda, p.value().data(),
          p.value().offset(), p.size());
    }
  }

  /** (λ/2)·Σ_p Σ_i w_i², summed in double across parameters. */
  public static double penalty(List<Param> params, float lambda) {
    OptimChecks.nonNegative(NAME, "lambda", lambda);
    double sum = 0;
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      float[] w = p.value().data();
      sum += Reductions.dot(w, p.value().offset(), w, p.value().offset(), p.size());
    }
    return 0.5 * lambda * sum;
  }
}
