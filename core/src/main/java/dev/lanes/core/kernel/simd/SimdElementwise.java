package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;

import dev.lanes.core.kernel.ElementwiseKernels;
import dev.lanes.core.kernel.scalar.ScalarElementwise;
import jdk.incubator.vector.FloatVector;

/**
 * Element-wise kernels on the Vector API. Each loop runs whole vectors up to
 * {@code loopBound(n)} and finishes with a scalar tail doing the same single IEEE operation per
 * element, so every element gets the same bits wherever it sits. Not a masked vector: on AVX2
 * C2 does not intrinsify every masked load and store, and those it leaves box the vector and
 * the mask (bytes allocated on every call, measured in training steps).
 */
final class SimdElementwise implements ElementwiseKernels {
  private final ScalarElementwise reference = new ScalarElementwise();

  @Override
  public void fill(float[] out, int outOff, float value, int n) {
    FloatVector v = FloatVector.broadcast(F, value);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      v.intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = value;
    }
  }

  @Override
  public void copy(float[] out, int outOff, float[] x, int xOff, int n) {
    // arraycopy is an intrinsic that already uses the widest moves the CPU has
    System.arraycopy(x, xOff, out, outOff, n);
  }

  @Override
  public void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = a[aOff + i] + b[bOff + i];
    }
  }

  @Override
  public void sub(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = a[aOff + i] - b[bOff + i];
    }
  }

  @Override
  public void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void scale(float[] out, int outOff, float alpha, float[] x, int xOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i).mul(alpha).intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = x[xOff + i] * alpha;
    }
  }

  @Override
  public void axpy(float[] y, int yOff, float alpha, float[] x, int xOff, int n) {
    // mul then add, not fma: the same rounding as the scalar reference's y += alpha * x
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i).mul(alpha).add(FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = x[xOff + i] * alpha + y[yOff + i];
    }
  }

  @Override
  public void addRowBias(float[] x, int xOff, float[] bias, int biasOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      add(x, xOff + r * cols, x, xOff + r * cols, bias, biasOff, cols);
    }
  }

  @Override
  public void addChannelBias(float[] x, int xOff, float[] bias, int biasOff,
      int batch, int channels, int spatial) {
    for (int b = 0; b < batch; b++) {
      for (int c = 0; c < channels; c++) {
        int base = xOff + (b * channels + c) * spatial;
        FloatVector v = FloatVector.broadcast(F, bias[biasOff + c]);
        int i = 0;
        for (int bound = F.loopBound(spatial); i < bound; i += L) {
          FloatVector.fromArray(F, x, base + i).add(v).intoArray(x, base + i);
        }
        for (float b0 = bias[biasOff + c]; i < spatial; i++) {
          x[base + i] += b0;
        }
      }
    }
  }

  @Override
  public void adamUpdate(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
      float[] v, int vOff, int n, float beta1, float beta2, float eps, float l2, float stepSize,
      float invSqrtCorrection2) {
    // the scalar reference's operations lane by lane (sqrt and division are correctly rounded
    // in both), so the bits agree; vectorised, the square root and the division, about 20
    // cycles each as scalars, stop dominating the step of a small model
    float keep1 = 1f - beta1;
    float keep2 = 1f - beta2;
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector wi = FloatVector.fromArray(F, w, wOff + i);
      FloatVector gi = FloatVector.fromArray(F, g, gOff + i).add(wi.mul(l2));
      FloatVector mi = FloatVector.fromArray(F, m, mOff + i).mul(beta1).add(gi.mul(keep1));
      FloatVector vi = FloatVector.fromArray(F, v, vOff + i).mul(beta2)
          .add(gi.mul(keep2).mul(gi));
      mi.intoArray(m, mOff + i);
      vi.intoArray(v, vOff + i);
      wi.sub(mi.mul(stepSize).div(vi.sqrt().mul(invSqrtCorrection2).add(eps)))
          .intoArray(w, wOff + i);
    }
    reference.adamUpdate(w, wOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, beta1, beta2,
        eps, l2, stepSize, invSqrtCorrection2);
  }

  @Override
  public void normalize(float[] h, int hOff, float[] y, int yOff, float[] x, int xOff, float mean,
      float invStd, float gamma, float beta, int runs, int n, int stride) {
    // mul then add, not fma: the reference's roundings. The whole channel in one call: batch
    // norm's runs are short (196 values in a small CNN), and a call per run cost about as much
    // as its arithmetic. The tail is the reference's loop, inlined for the same reason.
    int bound = F.loopBound(n);
    for (int r = 0; r < runs; r++) {
      int at = r * stride;
      int i = 0;
      for (; i < bound; i += L) {
        FloatVector v = FloatVector.fromArray(F, x, xOff + at + i).sub(mean).mul(invStd);
        v.intoArray(h, hOff + at + i);
        v.mul(gamma).add(beta).intoArray(y, yOff + at + i);
      }
      for (; i < n; i++) {
        float v = (x[xOff + at + i] - mean) * invStd;
        h[hOff + at + i] = v;
        y[yOff + at + i] = gamma * v + beta;
      }
    }
  }

  @Override
  public void normalizeBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] h,
      int hOff, float k, float count, float sumDy, float sumDyH, int runs, int n, int stride) {
    int bound = F.loopBound(n);
    for (int r = 0; r < runs; r++) {
      int at = r * stride;
      int i = 0;
      for (; i < bound; i += L) {
        FloatVector d = FloatVector.fromArray(F, dy, dyOff + at + i).mul(count).sub(sumDy);
        d.sub(FloatVector.fromArray(F, h, hOff + at + i).mul(sumDyH)).mul(k)
            .intoArray(dx, dxOff + at + i);
      }
      for (; i < n; i++) {
        dx[dxOff + at + i] = k * (count * dy[dyOff + at + i] - sumDy - h[hOff + at + i] * sumDyH);
      }
    }
  }
}
