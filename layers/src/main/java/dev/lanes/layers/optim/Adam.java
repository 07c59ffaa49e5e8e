package dev.lanes.layers.optim;

import dev.lanes.layers.Param;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Adam (Kingma and Ba, https://arxiv.org/abs/1412.6980), as PyTorch's {@code Adam} with
 * amsgrad off (https://pytorch.org/docs/stable/generated/torch.optim.Adam.html). For each
 * parameter w with gradient g, at its step t = 1, 2, ...:
 *
 * <pre>
 *   g ← g + λ·w                              (weight decay λ as an L2 penalty, if λ ≠ 0)
 *   m ← β1·m + (1 - β1)·g
 *   v ← β2·v + (1 - β2)·g²
 *   m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t)
 *   w ← w - lr · m̂ / (√v̂ + ε)
 * </pre>
 *
 * <p>Weight decay here is added to the gradient, so Adam rescales it like the gradient; for
 * decay that is not, use {@link AdamW}. The moments of each parameter are created on its first
 * step; later steps allocate nothing. Param.grad is read, never written.
 */
public final class Adam implements Optimizer {
  private static final String NAME = "Adam";

  /**
   * β1, β2 in [0, 1); ε > 0 (PyTorch allows 0, which divides 0 by 0 where a gradient has been
   * 0 from the start); weight decay λ ≥ 0.
   */
  public record Config(float beta1, float beta2, float eps, float weightDecay) {
    public Config {
      validate(NAME, beta1, beta2, eps, weightDecay);
    }

    /** PyTorch's defaults: β1 0.9, β2 0.999, ε 1e-8, no weight decay (pass lr 1e-3 to step). */
    public static Config defaults() {
      return new Config(0.9f, 0.999f, 1e-8f, 0f);
    }

    public Config withWeightDecay(float weightDecay) {
      return new Config(beta1, beta2, eps, weightDecay);
    }

    static void validate(String owner, float beta1, float beta2, float eps, float weightDecay) {
      OptimChecks.unitOpen(owner, "beta1", beta1);
      OptimChecks.unitOpen(owner, "beta2", beta2);
      OptimChecks.positive(owner, "eps", eps);
      OptimChecks.nonNegative(owner, "weight decay", weightDecay);
    }
  }

  private final Config config;
  private final IdentityHashMap<Param, AdamMoments> moments = new IdentityHashMap<>();

  /** With {@link Config#defaults()}. */
  public Adam() {
    this(Config.defaults());
  }

  public Adam(Config config) {
    this.config = java.util.Objects.requireNonNull(config, "config");
  }

  public Config config() {
    return config;
  }

  @Override
  public void step(List<Param> params, float lr) {
    OptimChecks.learningRate(NAME, lr);
    for (int i = 0; i < params.size(); i++) { // indexed: no iterator per step
      Param p = params.get(i);
      AdamMoments s = moments.get(p);
      if (s == null) {
        s = new AdamMoments(p.size());
        moments.put(p, s);
      }
      s.update(p, lr, config.beta1(), config.beta2(), config.eps(), config.weightDecay());
    }
  }

  /** {@code step}, {@code exp_avg} (m) and {@code exp_avg_sq} (v), as PyTorch names them. */
  @Override
  public ParamState state(Param p) {
    AdamMoments s = moments.get(p);
    return s == null ? null : s.state();
  }

  @Override
  public void restoreState(Param p, ParamState state) {
    moments.put(p, AdamMoments.restore(NAME, p, state));
  }
}
