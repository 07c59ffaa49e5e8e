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
    return sumOf(x, xOff, n, Tail.buffer(0));
  }

  /** {@link #sumOf(float[], int, int)} with the tail in {@code tail}, L floats of the thread's. */
  static float sumOf(float[] x, int xOff, int n, float[] tail) {
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
      a1 = a1.add(FloatVector.fromArray(F, Tail.load(tail, x, xOff + i, n - i, 0f), 0));
    }
    return VectorMath.sumLanes(a0.add(a1).add(a2.add(a3)));
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
    float[] tail = Tail.buffer(0);
    for (int c = 0; c < channels; c++) {
      float s = 0;
      for (int b = 0; b < batch; b++) {
        s += sumOf(x, xOff + (b * channels + c) * spatial, spatial, tail);
      }
      out[outOff + c] += s;
    }
  }

  /*
   * Batch norm's channel reductions. Per run of `spatial` values, the vector operations of
   * sumOf and dot (and of a sum of squared deviations with two accumulators), so each run gets
   * the bits of those per-run calls, which batch norm made before, without their per-call
   * costs: its runs are short (196 values in a small CNN), and the calls, Tail's copies and
   * fills, and summing the lanes through memory cost about as much as the arithmetic. Here the
   * tail's buffers are zeroed once per call and only the tail's values copied per run (the
   * lanes past them stay zero: every run has the same tail length), and the lanes are summed in
   * registers in sumLanes' order (VectorMath.sumLanes(FloatVector)).
   */

  @Override
  public void meanVarianceChannels(float[] mean, int meanOff, float[] variance, int varianceOff,
      float[] x, int xOff, int batch, int channels, int spatial, int firstChannel,
      int endChannel) {
    float[] t = Tail.zeros(0);
    int bound = F.loopBound(spatial);
    int rem = spatial - bound;
    float count = (float) batch * spatial;
    // sample by sample, each channel's runs: the memory in order, which the prefetcher follows
    // (a channel's runs alone are short and far apart); mean[c] holds channel c's sum meanwhile,
    // then variance[c] its sum of squares, each added in the order of the samples
    for (int c = firstChannel; c < endChannel; c++) {
      mean[meanOff + c] = 0;
      variance[varianceOff + c] = 0;
    }
    for (int b = 0; b < batch; b++) {
      for (int c = firstChannel; c < endChannel; c++) {
        int off = xOff + (b * channels + c) * spatial;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        for (int bound4 = spatial - 4 * L; i <= bound4; i += 4 * L) {
          a0 = a0.add(FloatVector.fromArray(F, x, off + i));
          a1 = a1.add(FloatVector.fromArray(F, x, off + i + L));
          a2 = a2.add(FloatVector.fromArray(F, x, off + i + 2 * L));
          a3 = a3.add(FloatVector.fromArray(F, x, off + i + 3 * L));
        }
        for (; i < bound; i += L) {
          a0 = a0.add(FloatVector.fromArray(F, x, off + i));
        }
        if (rem > 0) {
          for (int j = 0; j < rem; j++) {
            t[j] = x[off + i + j];
          }
          a1 = a1.add(FloatVector.fromArray(F, t, 0));
        }
        mean[meanOff + c] += VectorMath.sumLanes(a0.add(a1).add(a2.add(a3)));
      }
    }
    for (int c = firstChannel; c < endChannel; c++) {
      mean[meanOff + c] /= count;
    }
    for (int b = 0; b < batch; b++) {
      for (int c = firstChannel; c < endChannel; c++) {
        int off = xOff + (b * channels + c) * spatial;
        float m = mean[meanOff + c];
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (int bound2 = spatial - 2 * L; i <= bound2; i += 2 * L) {
          FloatVector d0 = FloatVector.fromArray(F, x, off + i).sub(m);
          FloatVector d1 = FloatVector.fromArray(F, x, off + i + L).sub(m);
          a0 = d0.fma(d0, a0);
          a1 = d1.fma(d1, a1);
        }
        for (; i < bound; i += L) {
          FloatVector d = FloatVector.fromArray(F, x, off + i).sub(m);
          a0 = d.fma(d, a0);
        }
        if (rem > 0) {
          // x - m lane by lane as the vector sub does; the lanes past the tail stay 0, not -m
          for (int j = 0; j < rem; j++) {
            t[j] = x[off + i + j] - m;
          }
          FloatVector d = FloatVector.fromArray(F, t, 0);
          a1 = d.fma(d, a1);
        }
        variance[varianceOff + c] += VectorMath.sumLanes(a0.add(a1));
      }
    }
    for (int c = firstChannel; c < endChannel; c++) {
      variance[varianceOff + c] /= count;
    }
  }

  @Override
  public void sumDotChannels(double[] sums, int sumsOff, double[] dots, int dotsOff, float[] a,
      int aOff, float[] b, int bOff, int batch, int channels, int spatial, int firstChannel,
      int endChannel) {
    // one pass over a and b where sum and dot took two, sample by sample as in
    // meanVarianceChannels; the runs' float results added in double in the order of the
    // samples, as batch norm added its per-run calls
    float[] ta = Tail.zeros(0);
    float[] tb = Tail.zeros(1);
    int bound = F.loopBound(spatial);
    int rem = spatial - bound;
    for (int c = firstChannel; c < endChannel; c++) {
      sums[sumsOff + c] = 0;
      dots[dotsOff + c] = 0;
    }
    for (int n = 0; n < batch; n++) {
      for (int c = firstChannel; c < endChannel; c++) {
        int at = (n * channels + c) * spatial;
        int ao = aOff + at;
        int bo = bOff + at;
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        FloatVector d0 = FloatVector.zero(F);
        FloatVector d1 = FloatVector.zero(F);
        FloatVector d2 = FloatVector.zero(F);
        FloatVector d3 = FloatVector.zero(F);
        int i = 0;
        for (int bound4 = spatial - 4 * L; i <= bound4; i += 4 * L) {
          FloatVector x0 = FloatVector.fromArray(F, a, ao + i);
          FloatVector x1 = FloatVector.fromArray(F, a, ao + i + L);
          FloatVector x2 = FloatVector.fromArray(F, a, ao + i + 2 * L);
          FloatVector x3 = FloatVector.fromArray(F, a, ao + i + 3 * L);
          s0 = s0.add(x0);
          s1 = s1.add(x1);
          s2 = s2.add(x2);
          s3 = s3.add(x3);
          d0 = x0.fma(FloatVector.fromArray(F, b, bo + i), d0);
          d1 = x1.fma(FloatVector.fromArray(F, b, bo + i + L), d1);
          d2 = x2.fma(FloatVector.fromArray(F, b, bo + i + 2 * L), d2);
          d3 = x3.fma(FloatVector.fromArray(F, b, bo + i + 3 * L), d3);
        }
        for (; i < bound; i += L) {
          FloatVector x0 = FloatVector.fromArray(F, a, ao + i);
          s0 = s0.add(x0);
          d0 = x0.fma(FloatVector.fromArray(F, b, bo + i), d0);
        }
        if (rem > 0) {
          for (int j = 0; j < rem; j++) {
            ta[j] = a[ao + i + j];
            tb[j] = b[bo + i + j];
          }
          FloatVector x0 = FloatVector.fromArray(F, ta, 0);
          s1 = s1.add(x0);
          d1 = x0.fma(FloatVector.fromArray(F, tb, 0), d1);
        }
        sums[sumsOff + c] += VectorMath.sumLanes(s0.add(s1).add(s2.add(s3)));
        dots[dotsOff + c] += VectorMath.sumLanes(d0.add(d1).add(d2.add(d3)));
      }
    }
  }
}
