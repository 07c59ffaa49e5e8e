package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

import dev.lanes.core.kernel.ActivationKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Activations on the Vector API. exp, tanh and log1p come from {@link VectorMath} (polynomials
 * on fused multiply-adds, about 1-2 ulp), so every function stays in registers and gives the
 * same bits before and after C2 compiles it. Each kernel is a loop of whole vectors and one masked vector for the tail; the
 * per-vector math sits in a small static method that both use.
 */
final class SimdActivations implements ActivationKernels {
  private static final float GELU_SCALE = (float) Math.sqrt(2 / Math.PI);
  private static final float GELU_CUBIC = 0.044715f;
  private static final float GELU_SATURATION = 10f;

  @Override
  public void relu(float[] out, int outOff, float[] x, int xOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i).max(0f).intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector.fromArray(F, x, xOff + i, m).max(0f).intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void reluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff,
      int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      reluGrad(FloatVector.fromArray(F, dy, dyOff + i), FloatVector.fromArray(F, x, xOff + i))
          .intoArray(dx, dxOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      reluGrad(FloatVector.fromArray(F, dy, dyOff + i, m), FloatVector.fromArray(F, x, xOff + i, m))
          .intoArray(dx, dxOff + i, m);
    }
  }

  private static FloatVector reluGrad(FloatVector dy, FloatVector x) {
    return FloatVector.zero(F).blend(dy, x.compare(GT, 0f));
  }

  @Override
  public void leakyRelu(float[] out, int outOff, float[] x, int xOff, float alpha, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, xOff + i);
      v.mul(alpha).blend(v, v.compare(GT, 0f)).intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
      v.mul(alpha).blend(v, v.compare(GT, 0f)).intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void leakyReluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x,
      int xOff, float alpha, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector g = FloatVector.fromArray(F, dy, dyOff + i);
      FloatVector v = FloatVector.fromArray(F, x, xOff + i);
      g.mul(alpha).blend(g, v.compare(GT, 0f)).intoArray(dx, dxOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector g = FloatVector.fromArray(F, dy, dyOff + i, m);
      FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
      g.mul(alpha).blend(g, v.compare(GT, 0f)).intoArray(dx, dxOff + i, m);
    }
  }

  @Override
  public void sigmoid(float[] out, int outOff, float[] x, int xOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      sigmoid(FloatVector.fromArray(F, x, xOff + i)).intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      sigmoid(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(out, outOff + i, m);
    }
  }

  /** 1 / (1 + exp(-x)): exp overflows to +Inf below -88, and 1 / Inf is the right 0. */
  static FloatVector sigmoid(FloatVector x) {
    return FloatVector.broadcast(F, 1f).div(VectorMath.exp(x.neg()).add(1f));
  }

  @Override
  public void sigmoidBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y, int yOff,
      int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector s = FloatVector.fromArray(F, y, yOff + i);
      FloatVector.fromArray(F, dy, dyOff + i).mul(s).mul(s.neg().add(1f))
          .intoArray(dx, dxOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector s = FloatVector.fromArray(F, y, yOff + i, m);
      FloatVector.fromArray(F, dy, dyOff + i, m).mul(s).mul(s.neg().add(1f))
          .intoArray(dx, dxOff + i, m);
    }
  }

  @Override
  public void tanh(float[] out, int outOff, float[] x, int xOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      VectorMath.tanh(FloatVector.fromArray(F, x, xOff + i)).intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      VectorMath.tanh(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void tanhBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y, int yOff,
      int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector t = FloatVector.fromArray(F, y, yOff + i);
      FloatVector.fromArray(F, dy, dyOff + i).mul(t.mul(t).neg().add(1f))
          .intoArray(dx, dxOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector t = FloatVector.fromArray(F, y, yOff + i, m);
      FloatVector.fromArray(F, dy, dyOff + i, m).mul(t.mul(t).neg().add(1f))
          .intoArray(dx, dxOff + i, m);
    }
  }

  @Override
  public void exp(float[] out, int outOff, float[] x, int xOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      VectorMath.exp(FloatVector.fromArray(F, x, xOff + i)).intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      VectorMath.exp(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void expBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y, int yOff,
      int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, dy, dyOff + i).mul(FloatVector.fromArray(F, y, yOff + i))
          .intoArray(dx, dxOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector.fromArray(F, dy, dyOff + i, m).mul(FloatVector.fromArray(F, y, yOff + i, m))
          .intoArray(dx, dxOff + i, m);
    }
  }

  @Override
  public void gelu(float[] out, int outOff, float[] x, int xOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      gelu(FloatVector.fromArray(F, x, xOff + i)).intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      gelu(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(out, outOff + i, m);
    }
  }

  /**
   * 0.5·(1 + tanh(u)) equals sigmoid(2u), and x·sigmoid(2u) has no cancellation for negative x
   * (1 + tanh(u) loses every digit there in float). Past ±10 the value is x or 0.
   */
  private static FloatVector gelu(FloatVector x) {
    FloatVector s = sigmoid(geluInner(x).mul(2f));
    return x.mul(s).blend(x, x.compare(GT, GELU_SATURATION)).blend(0f, x.compare(LT, -GELU_SATURATION));
  }

  /** u = √(2/π)·(x + 0.044715·x³). */
  private static FloatVector geluInner(FloatVector x) {
    return x.mul(x).mul(x).mul(GELU_CUBIC).add(x).mul(GELU_SCALE);
  }

  @Override
  public void geluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff,
      int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      geluGrad(FloatVector.fromArray(F, dy, dyOff + i), FloatVector.fromArray(F, x, xOff + i))
          .intoArray(dx, dxOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      geluGrad(FloatVector.fromArray(F, dy, dyOff + i, m), FloatVector.fromArray(F, x, xOff + i, m))
          .intoArray(dx, dxOff + i, m);
    }
  }

  /**
   * With s = sigmoid(2u) = 0.5·(1 + t) and 1 - t² = 4·s·(1 - s), the derivative
   * 0.5·(1 + t) + 0.5·x·(1 - t²)·u'(x) becomes s·(1 + 2·x·(1 - s)·u'(x)), free of cancellation.
   */
  private static FloatVector geluGrad(FloatVector dy, FloatVector x) {
    FloatVector s = sigmoid(geluInner(x).mul(2f));
    FloatVector du = x.mul(x).mul(3 * GELU_CUBIC).add(1f).mul(GELU_SCALE);
    FloatVector d = x.mul(2f).mul(s.neg().add(1f)).mul(du).add(1f).mul(s);
    d = d.blend(1f, x.compare(GT, GELU_SATURATION)).blend(0f, x.compare(LT, -GELU_SATURATION));
    return dy.mul(d);
  }

  @Override
  public void softplus(float[] out, int outOff, float[] x, int xOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      softplus(FloatVector.fromArray(F, x, xOff + i)).intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      softplus(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(out, outOff + i, m);
    }
  }

  /** max(x, 0) + log1p(exp(-|x|)): exp never sees a positive argument, so it never overflows. */
  private static FloatVector softplus(FloatVector x) {
    return x.max(0f).add(VectorMath.log1p(VectorMath.exp(x.abs().neg())));
  }

  @Override
  public void softplusBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff,
      int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, dy, dyOff + i).mul(sigmoid(FloatVector.fromArray(F, x, xOff + i)))
          .intoArray(dx, dxOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector.fromArray(F, dy, dyOff + i, m)
          .mul(sigmoid(FloatVector.fromArray(F, x, xOff + i, m))).intoArray(dx, dxOff + i, m);
    }
  }
}
