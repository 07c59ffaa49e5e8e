package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.MAX;

import dev.lanes.core.kernel.ReductionKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Reductions on the Vector API. Long sums use four independent vector accumulators: an add has
 * a latency of about four cycles, so one accumulator would leave the adder idle three cycles in
 * four. The tail is one vector of the last n % L values padded with zeros ({@link Tail}), so it
 * adds only those values, without a mask.
 */
final class SimdReductions implements ReductionKernels {
  @Override
  public float sum(float[] x, int xOff, int n) {
    return sumOf(x, xOff, n);
  }

  static float sumOf(float[] x, int xOff, int n) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int i = 0;
    for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
      a0 = a0.add(FloatVector.fromArray(F, x, xOff + i));
      a1 = a1.add(FloatVector.fromArray(F, x, xOff + i + L));
      a2 = a2.add(FloatVector.fromArray(F, x, xOff + i + 2 * L));
      a3 = a3.add(FloatVector.fromArray(F, x, xOff + i + 3 * L));
    }
    for (int bound = F.loopBound(n); i < bound; i += L) {
      a0 = a0.add(FloatVector.fromArray(F, x, xOff + i));
    }
    if (i < n) {
      a1 = a1.add(FloatVector.fromArray(F, Tail.load(0, x, xOff + i, n - i, 0f), 0));
    }
    float[] lanes = VectorMath.lanes();
    a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
    return VectorMath.sumLanes(lanes);
  }

  @Override
  public float max(float[] x, int xOff, int n) {
    return maxOf(x, xOff, n);
  }

  static float maxOf(float[] x, int xOff, int n) {
    FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    FloatVector m1 = m0;
    int i = 0;
    for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
      m0 = m0.max(FloatVector.fromArray(F, x, xOff + i));
      m1 = m1.max(FloatVector.fromArray(F, x, xOff + i + L));
    }
    for (int bound = F.loopBound(n); i < bound; i += L) {
      m0 = m0.max(FloatVector.fromArray(F, x, xOff + i));
    }
    if (i < n) {
      // lanes past the end are -Inf, which cannot win
      m1 = m1.max(FloatVector.fromArray(F,
          Tail.load(0, x, xOff + i, n - i, Float.NEGATIVE_INFINITY), 0));
    }
    return m0.max(m1).reduceLanes(MAX);
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int i = 0;
    for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
      a0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), a0);
      a1 = FloatVector.fromArray(F, a, aOff + i + L)
          .fma(FloatVector.fromArray(F, b, bOff + i + L), a1);
      a2 = FloatVector.fromArray(F, a, aOff + i + 2 * L)
          .fma(FloatVector.fromArray(F, b, bOff + i + 2 * L), a2);
      a3 = FloatVector.fromArray(F, a, aOff + i + 3 * L)
          .fma(FloatVector.fromArray(F, b, bOff + i + 3 * L), a3);
    }
    for (int bound = F.loopBound(n); i < bound; i += L) {
      a0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), a0);
    }
    if (i < n) {
      a1 = FloatVector.fromArray(F, Tail.load(0, a, aOff + i, n - i, 0f), 0)
          .fma(FloatVector.fromArray(F, Tail.load(1, b, bOff + i, n - i, 0f), 0), a1);
    }
    float[] lanes = VectorMath.lanes();
    a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
    return VectorMath.sumLanes(lanes);
  }

  @Override
  public void argmaxRows(int[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int row = xOff + r * cols;
      out[outOff + r] = firstIndexOf(x, row, cols, maxOf(x, row, cols));
    }
  }

  /** The first index in x[off, off + n) holding {@code target}, or holding NaN if it is NaN. */
  private static int firstIndexOf(float[] x, int off, int n, float target) {
    boolean nan = Float.isNaN(target);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, off + i);
      VectorMask<Float> hit = nan ? v.test(IS_NAN) : v.compare(EQ, target);
      if (hit.anyTrue()) {
        return i + hit.firstTrue();
      }
    }
    for (; i < n; i++) {
      float v = x[off + i];
      if (nan ? Float.isNaN(v) : v == target) {
        return i;
      }
    }
    return n; // not reached: the maximum is in the row
  }

  @Override
  public void addColumnSums(float[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    int c = 0;
    for (int bound = F.loopBound(cols); c < bound; c += L) {
      FloatVector acc = FloatVector.zero(F);
      for (int r = 0; r < rows; r++) {
        acc = acc.add(FloatVector.fromArray(F, x, xOff + r * cols + c));
      }
      acc.add(FloatVector.fromArray(F, out, outOff + c)).intoArray(out, outOff + c);
    }
    for (; c < cols; c++) {
      // the vector lanes' additions in the same order: rows first, then out
      float acc = 0f;
      for (int r = 0; r < rows; r++) {
        acc += x[xOff + r * cols + c];
      }
      out[outOff + c] = acc + out[outOff + c];
    }
  }

  @Override
  public void addChannelSums(float[] out, int outOff, float[] x, int xOff,
      int batch, int channels, int spatial) {
    for (int c = 0; c < channels; c++) {
      float s = 0;
      for (int b = 0; b < batch; b++) {
        s += sumOf(x, xOff + (b * channels + c) * spatial, spatial);
      }
      out[outOff + c] += s;
    }
  }

  @Override
  public void meanVarianceChannels(float[] mean, int meanOff, float[] variance, int varianceOff,
      float[] x, int xOff, int batch, int channels, int spatial, int firstChannel,
      int endChannel) {
    float count = (float) batch * spatial;
    for (int c = firstChannel; c < endChannel; c++) {
      float s = 0;
      for (int b = 0; b < batch; b++) {
        s += sumOf(x, xOff + (b * channels + c) * spatial, spatial);
      }
      float m = s / count;
      float ss = 0;
      for (int b = 0; b < batch; b++) {
        ss += squaredDeviations(x, xOff + (b * channels + c) * spatial, spatial, m);
      }
      mean[meanOff + c] = m;
      variance[varianceOff + c] = ss / count;
    }
  }

  /** Σ (x[i] - m)² over x[off, off + n). */
  private static float squaredDeviations(float[] x, int off, int n, float m) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    int i = 0;
    for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
      FloatVector d0 = FloatVector.fromArray(F, x, off + i).sub(m);
      FloatVector d1 = FloatVector.fromArray(F, x, off + i + L).sub(m);
      a0 = d0.fma(d0, a0);
      a1 = d1.fma(d1, a1);
    }
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector d = FloatVector.fromArray(F, x, off + i).sub(m);
      a0 = d.fma(d, a0);
    }
    if (i < n) {
      // lanes past the end would hold 0 - m: zero them
      float[] t = Tail.load(0, x, off + i, n - i, 0f);
      FloatVector.fromArray(F, t, 0).sub(m).intoArray(t, 0);
      Tail.fillPast(t, n - i, 0f);
      FloatVector d = FloatVector.fromArray(F, t, 0);
      a1 = d.fma(d, a1);
    }
    float[] lanes = VectorMath.lanes();
    a0.add(a1).intoArray(lanes, 0);
    return VectorMath.sumLanes(lanes);
  }
}
