package dev.lanes.layers.optim;

import dev.lanes.core.kernel.Elementwise;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;
import dev.lanes.layers.Param;

/**
 * The moment estimates of one parameter and the update that Adam and AdamW share:
 *
 * <pre>
 *   g ← g + l2·w
 *   m ← β1·m + (1 - β1)·g                  v ← β2·v + (1 - β2)·g²
 *   w ← w - (lr / (1 - β1^t)) · m / (√v / √(1 - β2^t) + ε)
 * </pre>
 *
 * which is PyTorch's arrangement of m̂ / (√v̂ + ε) with m̂ = m/(1 - β1^t), v̂ = v/(1 - β2^t).
 *
 * <p>A parameter of at least {@link #PARALLEL_SIZE} values is updated in ranges over the
 * shared pool: each value's update reads only its own w, g, m and v, and the kernel's vector
 * lanes and scalar tail do the same operations, so the bits do not depend on the ranges. (In a
 * CNN training step with two threads, the one-thread update of the first dense layer's 0.4 M
 * weights was the largest part that ran on one thread.)
 */
final class AdamMoments {
  /** The fewest values of a parameter whose update is split over the pool's threads. */
  static final int PARALLEL_SIZE = 1 << 16;

  final float[] m; // first moment, the size of the parameter
  final float[] v; // second (raw) moment
  int step;        // t: updates so far, per parameter as in PyTorch

  // the current split update, read by the pool's threads (bound once: an update allocates
  // nothing)
  private final RangeBody ranges = this::updateRange;
  private Param param;
  private float beta1;
  private float beta2;
  private float eps;
  private float l2;
  private float stepSize;
  private float invSqrtCorrection2;

  AdamMoments(int size) {
    m = new float[size];
    v = new float[size];
  }

  /** One update of p: one fused pass over w, g, m and v ({@link Elementwise#adamUpdate}). */
  void update(Param p, float lr, float beta1, float beta2, float eps, float l2) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    float stepSize = (float) (lr / correction1);
    float invSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, step)));
    if (m.length < PARALLEL_SIZE || Parallel.threads() == 1) {
      Elementwise.adamUpdate(p.value().data(), p.value().offset(), p.grad().data(),
          p.grad().offset(), m, 0, v, 0, m.length, beta1, beta2, eps, l2, stepSize,
          invSqrtCorrection2);
      return;
    }
    this.param = p;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.l2 = l2;
    this.stepSize = stepSize;
    this.invSqrtCorrection2 = invSqrtCorrection2;
    try {
      Parallel.parallelForDynamic(m.length, Parallel.balancedChunk(m.length, PARALLEL_SIZE / 4),
          ranges);
    } finally {
      this.param = null;
    }
  }

  /** Values [start, end) of the current split update. */
  private void updateRange(int start, int end) {
    Param p = param;
    Elementwise.adamUpdate(p.value().data(), p.value().offset() + start, p.grad().data(),
        p.grad().offset() + start, m, start, v, start, end - start, beta1, beta2, eps, l2,
        stepSize, invSqrtCorrection2);
  }

  /** {@code step}, {@code exp_avg} (m) and {@code exp_avg_sq} (v), as PyTorch names them. */
  ParamState state() {
    java.util.Map<String, float[]> buffers = new java.util.LinkedHashMap<>();
    buffers.put("exp_avg", m.clone());
    buffers.put("exp_avg_sq", v.clone());
    return new ParamState(step, buffers);
  }

  /** Moments taken back from {@link #state()}, checked against p's size. */
  static AdamMoments restore(String owner, Param p, ParamState state) {
    AdamMoments s = new AdamMoments(p.size());
    System.arraycopy(state.require(owner, p.name(), "exp_avg", p.size()), 0, s.m, 0, p.size());
    System.arraycopy(state.require(owner, p.name(), "exp_avg_sq", p.size()), 0, s.v, 0,
        p.size());
    s.step = state.step();
    return s;
  }
}
