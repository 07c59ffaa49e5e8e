package dev.lanes.layers.optim;

import dev.lanes.core.kernel.Elementwise;
import dev.lanes.layers.Param;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum μ, dampening τ, Nesterov momentum and
 * weight decay λ, as PyTorch's {@code SGD}
 * (https://pytorch.org/docs/stable/generated/torch.optim.SGD.html). For each parameter w with
 * gradient g, at step t:
 *
 * <pre>
 *   g ← g + λ·w                                  (if λ ≠ 0; an L2 penalty (λ/2)·‖w‖²)
 *   b ← g                       at t = 1,        (if μ ≠ 0)
 *   b ← μ·b + (1 - τ)·g         after,
 *   g ← g + μ·b  if Nesterov, else g ← b
 *   w ← w - lr·g
 * </pre>
 *
 * <p>The momentum buffer b of each parameter is created on its first step; later steps
 * allocate nothing. Param.grad is read, never written.
 */
public final class Sgd implements Optimizer {
  private static final String NAME = "Sgd";

  /**
   * Momentum μ in [0, 1), dampening τ in [0, 1], weight decay λ ≥ 0; Nesterov needs μ > 0 and
   * τ = 0 (as in PyTorch). μ ≥ 1 is refused: the buffer would never forget and the steps grow.
   */
  public record Config(float momentum, float dampening, float weightDecay, boolean nesterov) {
    public Config {
      OptimChecks.unitOpen(NAME, "momentum", momentum);
      OptimChecks.unitClosed(NAME, "dampening", dampening);
      OptimChecks.nonNegative(NAME, "weight decay", weightDecay);
      if (nesterov && (momentum == 0f || dampening != 0f)) {
        throw new IllegalArgumentException(NAME + ": Nesterov momentum needs momentum > 0 and"
            + " dampening 0, got momentum " + momentum + " and dampening " + dampening);
      }
    }

    /** Plain SGD: no momentum, no weight decay. */
    public static Config plain() {
      return new Config(0f, 0f, 0f, false);
    }

    /** Classical (heavy-ball) momentum μ. */
    public static Config momentum(float momentum) {
      return new Config(momentum, 0f, 0f, false);
    }

    /** Nesterov momentum μ. */
    public static Config nesterov(float momentum) {
      return new Config(momentum, 0f, 0f, true);
    }

    public Config withWeightDecay(float weightDecay) {
      return new Config(momentum, dampening, weightDecay, nesterov);
    }

    public Config withDampening(float dampening) {
      return new Config(momentum, dampening, weightDecay, nesterov);
    }
  }

  private final Config config;
  private final IdentityHashMap<Param, float[]> buffers = new IdentityHashMap<>(); // b, per Param

  /** Plain SGD. */
  public Sgd() {
    this(Config.plain());
  }

  public Sgd(Config config) {
    this.config = java.util.Objects.requireNonNull(config, "config");
  }

  public Config config() {
    return config;
  }

  @Override
  public void step(List<Param> params, float lr) {
    OptimChecks.learningRate(NAME, lr);
    for (int i = 0; i < params.size(); i++) { // indexed: no iterator per step
      update(params.get(i), lr);
    }
  }

  private void update(Param p, float lr) {
    float[] w = p.value().data();
    int wOff = p.value().offset();
    float[] g = p.grad().data();
    int gOff = p.grad().offset();
    int n = p.size();
    float mu = config.momentum();
    float wd = config.weightDecay();
    if (mu == 0f) {
      // w ← w - lr·(g + λ·w) = (1 - lr·λ)·w - lr·g
      if (wd != 0f) {
        Elementwise.scale(w, wOff, 1f - lr * wd, w, wOff, n);
      }
      Elementwise.axpy(w, wOff, -lr, g, gOff, n);
      return;
    }
    float[] b = buffers.get(p);
    if (b == null) {
      // first step: b = g + λ·w, undamped (PyTorch clones the gradient)
      b = new float[n];
      buffers.put(p, b);
      Elementwise.copy(b, 0, g, gOff, n);
      if (wd != 0f) {
        Elementwise.axpy(b, 0, wd, w, wOff, n);
      }
    } else {
      // b ← μ·b + (1 - τ)·(g + λ·w)
      float keep = 1f - config.dampening();
      Elementwise.scale(b, 0, mu, b, 0, n);
      Elementwise.axpy(b, 0, keep, g, gOff, n);
      if (wd != 0f) {
        Elementwise.axpy(b, 0, keep * wd, w, wOff, n);
      }
    }
    if (config.nesterov()) {
      // w ← w - lr·(g + λ·w + μ·b), with b already built from the old w
      if (wd != 0f) {
        Elementwise.scale(w, wOff, 1f - lr * wd, w, wOff, n);
      }
      Elementwise.axpy(w, wOff, -lr, g, gOff, n);
      Elementwise.axpy(w, wOff, -lr * mu, b, 0, n);
    } else {
      Elementwise.axpy(w, wOff, -lr, b, 0, n);
    }
  }

  /** {@code momentum_buffer}, once the first step has made it (with momentum only). */
  @Override
  public ParamState state(Param p) {
    float[] b = buffers.get(p);
    return b == null ? null
        : new ParamState(0, new java.util.LinkedHashMap<>(java.util.Map.of("momentum_buffer",
            b.clone())));
  }

  @Override
  public void restoreState(Param p, ParamState state) {
    if (config.momentum() == 0f) {
      return; // plain SGD keeps nothing
    }
    buffers.put(p, state.require(NAME, p.name(), "momentum_buffer", p.size()));
  }
}
