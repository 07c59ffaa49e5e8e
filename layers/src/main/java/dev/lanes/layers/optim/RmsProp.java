package dev.lanes.layers.optim;

import dev.lanes.layers.Param;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * RMSprop (Hinton, Coursera lecture 6e), as PyTorch's {@code RMSprop}
 * (https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html). For each parameter w
 * with gradient g:
 *
 * <pre>
 *   g ← g + λ·w                               (weight decay λ as an L2 penalty, if λ ≠ 0)
 *   v ← α·v + (1 - α)·g²
 *   a = √v + ε,                    or, centered:
 *   ḡ ← α·ḡ + (1 - α)·g;  a = √(v - ḡ²) + ε
 *   b ← μ·b + g / a;  w ← w - lr·b              (momentum μ > 0)
 *   w ← w - lr·g / a                           (μ = 0)
 * </pre>
 *
 * <p>ε is added outside the square root, as in PyTorch (Keras adds it inside). State (v, and ḡ
 * and b where used) is created on a parameter's first step; later steps allocate nothing.
 * Param.grad is read, never written.
 */
public final class RmsProp implements Optimizer {
  private static final String NAME = "RmsProp";

  /**
   * Smoothing α in [0, 1) (at 1, v would stay 0), ε > 0, weight decay λ ≥ 0, momentum μ in
   * [0, 1), and whether to center (divide by an estimate of the variance instead of the raw
   * second moment).
   */
  public record Config(float alpha, float eps, float weightDecay, float momentum,
      boolean centered) {
    public Config {
      OptimChecks.unitOpen(NAME, "alpha", alpha);
      OptimChecks.positive(NAME, "eps", eps);
      OptimChecks.nonNegative(NAME, "weight decay", weightDecay);
      OptimChecks.unitOpen(NAME, "momentum", momentum);
    }

    /** PyTorch's defaults: α 0.99, ε 1e-8, no weight decay, no momentum, not centered (lr 1e-2). */
    public static Config defaults() {
      return new Config(0.99f, 1e-8f, 0f, 0f, false);
    }

    public Config withMomentum(float momentum) {
      return new Config(alpha, eps, weightDecay, momentum, centered);
    }

    public Config withWeightDecay(float weightDecay) {
      return new Config(alpha, eps, weightDecay, momentum, centered);
    }

    public Config withCentered(boolean centered) {
      return new Config(alpha, eps, weightDecay, momentum, centered);
    }
  }

  /** Per-parameter state; the optional arrays are null when the config does not use them. */
  private static final class State {
    final float[] squareAverage; // v
    final float[] gradAverage;   // ḡ, centered only
    final float[] buffer;        // b, momentum only

    State(int size, Config c) {
      squareAverage = new float[size];
      gradAverage = c.centered() ? new float[size] : null;
      buffer = c.momentum() > 0f ? new float[size] : null;
    }
  }

  private final Config config;
  private final IdentityHashMap<Param, State> states = new IdentityHashMap<>();

  /** With {@link Config#defaults()}. */
  public RmsProp() {
    this(Config.defaults());
  }

  public RmsProp(Config config) {
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
      State s = states.get(p);
      if (s == null) {
        s = new State(p.size(), config);
        states.put(p, s);
      }
      update(p, s, lr);
    }
  }

  /** One fused loop: the kernel facades have no square root or division. */
  private void update(Param p, State s, float lr) {
    float[] w = p.value().data();
    int wOff = p.value().offset();
    float[] g = p.grad().data();
    int gOff = p.grad().offset();
    float alpha = config.alpha();
    float keep = 1f - alpha;
    float eps = config.eps();
    float wd = config.weightDecay();
    float mu = config.momentum();
    float[] v = s.squareAverage;
    float[] gAvg = s.gradAverage;
    float[] b = s.buffer;
    for (int i = 0, n = v.length; i < n; i++) {
      float wi = w[wOff + i];
      float gi = g[gOff + i] + wd * wi;
      float vi = alpha * v[i] + keep * gi * gi;
      v[i] = vi;
      float variance = vi;
      if (gAvg != null) {
        float mean = alpha * gAvg[i] + keep * gi;
        gAvg[i] = mean;
        // v ≥ ḡ² in exact arithmetic; rounding can make the difference -1 ulp, and √ of that
        // is NaN, so clamp at 0 (PyTorch would produce NaN here)
        variance = Math.max(vi - mean * mean, 0f);
      }
      float step = gi / ((float) Math.sqrt(variance) + eps);
      if (b != null) {
        step = mu * b[i] + step;
        b[i] = step;
      }
      w[wOff + i] = wi - lr * step;
    }
  }

  /**
   * {@code square_avg}, with {@code grad_avg} when centered and {@code momentum_buffer} with
   * momentum.
   */
  @Override
  public ParamState state(Param p) {
    State s = states.get(p);
    if (s == null) {
      return null;
    }
    java.util.Map<String, float[]> buffers = new java.util.LinkedHashMap<>();
    buffers.put("square_avg", s.squareAverage.clone());
    if (s.gradAverage != null) {
      buffers.put("grad_avg", s.gradAverage.clone());
    }
    if (s.buffer != null) {
      buffers.put("momentum_buffer", s.buffer.clone());
    }
    return new ParamState(0, buffers);
  }

  @Override
  public void restoreState(Param p, ParamState state) {
    State s = new State(p.size(), config);
    int n = p.size();
    System.arraycopy(state.require(NAME, p.name(), "square_avg", n), 0, s.squareAverage, 0, n);
    if (s.gradAverage != null) {
      System.arraycopy(state.require(NAME, p.name(), "grad_avg", n), 0, s.gradAverage, 0, n);
    }
    if (s.buffer != null) {
      System.arraycopy(state.require(NAME, p.name(), "momentum_buffer", n), 0, s.buffer, 0, n);
    }
    states.put(p, s);
  }
}
