package dev.lanes.layers.optim;

import dev.lanes.core.kernel.Elementwise;
import dev.lanes.layers.Param;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, https://arxiv.org/abs/1711.05101), as
 * PyTorch's {@code AdamW} (https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html).
 * For each parameter w with gradient g, at its step t = 1, 2, ...:
 *
 * <pre>
 *   w ← w - lr·λ·w                           (decay first, from the weights alone)
 *   m ← β1·m + (1 - β1)·g
 *   v ← β2·v + (1 - β2)·g²
 *   w ← w - lr · (m / (1 - β1^t)) / (√(v / (1 - β2^t)) + ε)
 * </pre>
 *
 * <p>Unlike {@link Adam}'s weight decay, the decay never enters m and v, so every weight decays
 * by the same factor whatever its gradient history. The moments of each parameter are created
 * on its first step; later steps allocate nothing. Param.grad is read, never written.
 */
public final class AdamW implements Optimizer {
  private static final String NAME = "AdamW";

  /** β1, β2 in [0, 1); ε > 0; weight decay λ ≥ 0 (decoupled). */
  public record Config(float beta1, float beta2, float eps, float weightDecay) {
    public Config {
      Adam.Config.validate(NAME, beta1, beta2, eps, weightDecay);
    }

    /** PyTorch's defaults: β1 0.9, β2 0.999, ε 1e-8, λ 0.01 (pass lr 1e-3 to step). */
    public static Config defaults() {
      return new Config(0.9f, 0.999f, 1e-8f, 0.01f);
    }

    public Config withWeightDecay(float weightDecay) {
      return new Config(beta1, beta2, eps, weightDecay);
    }
  }

  private final Config config;
  private final IdentityHashMap<Param, AdamMoments> moments = new IdentityHashMap<>();

  /** With {@link Config#defaults()}. */
  public AdamW() {
    this(Config.defaults());
  }

  public AdamW(Config config) {
    this.config = java.util.Objects.requireNonNull(config, "config");
  }

  public Config config() {
    return config;
  }

  @Override
  public void step(List<Param> params, float lr) {
    OptimChecks.learningRate(NAME, lr);
    float decay = 1f - lr * config.weightDecay();
    for (int i = 0; i < params.size(); i++) { // indexed: no iterator per step
      Param p = params.get(i);
      AdamMoments s = moments.get(p);
      if (s == null) {
        s = new AdamMoments(p.size());
        moments.put(p, s);
      }
      if (decay != 1f) {
        float[] w = p.value().data();
        Elementwise.scale(w, p.value().offset(), decay, w, p.value().offset(), p.size());
      }
      s.update(p, lr, config.beta1(), config.beta2(), config.eps(), 0f);
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
