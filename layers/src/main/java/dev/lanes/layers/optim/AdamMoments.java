package dev.lanes.layers.optim;

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
 */
final class AdamMoments {
  final float[] m; // first moment, the size of the parameter
  final float[] v; // second (raw) moment
  int step;        // t: updates so far, per parameter as in PyTorch

  AdamMoments(int size) {
    m = new float[size];
    v = new float[size];
  }

  /**
   * One update of p. A single fused loop, not kernel calls: the facades have no square root or
   * division, and one pass over five arrays reads each element once.
   */
  void update(Param p, float lr, float beta1, float beta2, float eps, float l2) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    float stepSize = (float) (lr / correction1);
    float invSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, step)));
    float[] w = p.value().data();
    int wOff = p.value().offset();
    float[] g = p.grad().data();
    int gOff = p.grad().offset();
    float keep1 = 1f - beta1;
    float keep2 = 1f - beta2;
    for (int i = 0, n = m.length; i < n; i++) {
      float wi = w[wOff + i];
      float gi = g[gOff + i] + l2 * wi;
      float mi = beta1 * m[i] + keep1 * gi;
      float vi = beta2 * v[i] + keep2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[wOff + i] = wi - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtCorrection2 + eps);
    }
  }
}
