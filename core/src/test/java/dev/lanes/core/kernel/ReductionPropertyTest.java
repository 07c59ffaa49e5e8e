package dev.lanes.core.kernel;

import static dev.lanes.core.kernel.KernelPair.EPS;
import static dev.lanes.core.kernel.KernelPair.LANES;
import static dev.lanes.core.kernel.KernelPair.SCALAR;
import static dev.lanes.core.kernel.KernelPair.SIMD;
import static dev.lanes.core.kernel.KernelPair.placed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import dev.lanes.core.prop.Sizes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * SIMD reductions against the scalar reference (which sums in double). Any order of summing n
 * floats has an error of at most about n·2⁻²⁴·Σ|x| (Higham, "Accuracy and Stability of Numerical
 * Algorithms", §4.2); that bound, computed from each case's data, is the tolerance. Maximum and
 * argmax pick an element and must match exactly.
 */
class ReductionPropertyTest {
  private static final float[] NON_FINITE = {Float.NaN, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, 0f, -0f};

  @Test
  void sumMatchesScalar() {
    Property.named("simd sum matches scalar").tries(200).check(c -> {
      int n = c.size("n", 0, 2000, Sizes.aroundLanes(LANES));
      int off = c.intIn("offset", 0, 2 * LANES + 1);
      // Only NaN and ±Inf as specials: with ±MAX_VALUE whether a partial sum overflows depends
      // on the order of summation, so no two orders need agree.
      float[] values = c.bool("specials")
          ? c.floatsWith("x", n, -100, 100, NON_FINITE) : c.floats("x", n, -100, 100);
      float[] x = placed(c, values, off);
      float expected = SCALAR.reductions().sum(x, off, n);
      float actual = SIMD.reductions().sum(x, off, n);
      FloatAsserts.assertClose("sum", expected, actual, sumBound(values, n), 0);
    });
  }

  @Test
  void dotMatchesScalar() {
    Property.named("simd dot matches scalar").tries(200).check(c -> {
      int n = c.size("n", 0, 2000, Sizes.aroundLanes(LANES));
      float[] a = c.floats("a", n, -10, 10);
      float[] b = c.floats("b", n, -10, 10);
      float[] products = new float[n];
      for (int i = 0; i < n; i++) {
        products[i] = a[i] * b[i];
      }
      float[] pa = placed(c, a, 3);
      float expected = SCALAR.reductions().dot(pa, 3, b, 0, n);
      float actual = SIMD.reductions().dot(pa, 3, b, 0, n);
      FloatAsserts.assertClose("dot", expected, actual, sumBound(products, n), 0);
    });
  }

  @Test
  void maxMatchesScalarExactly() {
    Property.named("simd max matches scalar").tries(200).check(c -> {
      int n = c.size("n", 0, 500, Sizes.aroundLanes(LANES));
      int off = c.intIn("offset", 0, 2 * LANES + 1);
      float[] x = placed(c, c.bool("specials") ? c.floatsWithSpecials("x", n, -1e6f, -1)
          : c.floats("x", n, -1e6f, -1), off);
      FloatAsserts.assertClose("max", SCALAR.reductions().max(x, off, n),
          SIMD.reductions().max(x, off, n), 0, 0);
    });
  }

  @Test
  void argmaxMatchesScalarExactly() {
    Property.named("simd argmaxRows matches scalar").tries(200).check(c -> {
      int rows = c.size("rows", 1, 6, 1, 2);
      int cols = c.size("cols", 1, 80, Sizes.aroundLanes(LANES));
      // few distinct values, so ties are common; NaN and -0 now and then
      float[] x = new float[rows * cols];
      for (int i = 0; i < x.length; i++) {
        int pick = c.random().nextInt(40);
        x[i] = pick == 0 ? Float.NaN : pick == 1 ? -0f : c.random().nextInt(-3, 4);
      }
      c.note("x", java.util.Arrays.toString(x));
      int[] expected = new int[rows + 1];
      int[] actual = new int[rows + 1];
      SCALAR.reductions().argmaxRows(expected, 1, x, 0, rows, cols);
      SIMD.reductions().argmaxRows(actual, 1, x, 0, rows, cols);
      assertArrayEquals(expected, actual, "argmaxRows");
    });
  }

  @Test
  void columnSumsMatchScalar() {
    Property.named("simd addColumnSums matches scalar").tries(150).check(c -> {
      int rows = c.size("rows", 0, 40, 0, 1, 2, 3);
      int cols = c.size("cols", 0, 70, Sizes.aroundLanes(LANES));
      float[] x = c.floats("x", rows * cols, -10, 10);
      float[] start = c.floats("out", cols, -5, 5);
      float[] expected = placed(c, start, 2);
      float[] actual = expected.clone();
      SCALAR.reductions().addColumnSums(expected, 2, x, 0, rows, cols);
      SIMD.reductions().addColumnSums(actual, 2, x, 0, rows, cols);
      // each column sums rows + 1 values of magnitude ≤ 10
      FloatAsserts.assertClose("addColumnSums", expected, actual, (rows + 1) * EPS * 10 * (rows + 1), 0);
    });
  }

  @Test
  void channelStatisticsMatchScalar() {
    Property.named("simd channel sums, mean and variance match scalar").tries(150).check(c -> {
      int batch = c.size("batch", 1, 4, 1, 2);
      int channels = c.size("channels", 1, 5, 1, 3);
      int spatial = c.size("spatial", 1, 80, Sizes.aroundLanes(LANES));
      float shift = c.floatIn("shift", -50, 50);
      float[] x = c.floats("x", batch * channels * spatial, -3, 3);
      for (int i = 0; i < x.length; i++) {
        x[i] += shift;
      }
      int count = batch * spatial;
      // mean: the sum bound over count values of magnitude ≤ |shift| + 3, divided by count
      double meanTol = (count + 1) * EPS * (Math.abs(shift) + 3);
      // variance: the mean's error δ adds δ² to the two-pass result, and the sum of the
      // squares (each ≤ 36) adds count·2⁻²⁴ relative
      double varTol = meanTol * meanTol + (count + 2) * EPS * 36;
      float[] sumsE = new float[channels];
      float[] sumsA = new float[channels];
      SCALAR.reductions().addChannelSums(sumsE, 0, x, 0, batch, channels, spatial);
      SIMD.reductions().addChannelSums(sumsA, 0, x, 0, batch, channels, spatial);
      FloatAsserts.assertClose("addChannelSums", sumsE, sumsA, meanTol * count, 0);
      float[] meanE = new float[channels];
      float[] varE = new float[channels];
      float[] meanA = new float[channels];
      float[] varA = new float[channels];
      SCALAR.reductions().meanVarianceChannels(meanE, 0, varE, 0, x, 0, batch, channels, spatial);
      SIMD.reductions().meanVarianceChannels(meanA, 0, varA, 0, x, 0, batch, channels, spatial);
      FloatAsserts.assertClose("mean", meanE, meanA, meanTol, 0);
      FloatAsserts.assertClose("variance", varE, varA, varTol, 0);
      // a range of channels gets exactly the whole call's values and leaves the others alone
      int first = c.intIn("firstChannel", 0, channels);
      int end = c.intIn("endChannel", first, channels);
      float[] meanR = new float[channels];
      float[] varR = new float[channels];
      Arrays.fill(meanR, 5f);
      Arrays.fill(varR, 5f);
      SIMD.reductions().meanVarianceChannels(meanR, 0, varR, 0, x, 0, batch, channels, spatial,
          first, end);
      for (int ch = 0; ch < channels; ch++) {
        boolean in = ch >= first && ch < end;
        assertEquals(in ? meanA[ch] : 5f, meanR[ch], "mean of channel " + ch);
        assertEquals(in ? varA[ch] : 5f, varR[ch], "variance of channel " + ch);
      }
    });
  }

  @Test
  void channelSumDotMatchesScalar() {
    Property.named("simd sumDotChannels matches scalar and the per-run sums").tries(150)
        .check(c -> {
          int batch = c.size("batch", 1, 5, 1, 2);
          int channels = c.size("channels", 1, 5, 1, 3);
          int spatial = c.size("spatial", 0, 80, Sizes.aroundLanes(LANES));
          int aOff = c.intIn("aOffset", 0, LANES + 1);
          int bOff = c.intIn("bOffset", 0, 3);
          int size = batch * channels * spatial;
          float[] a = placed(c, c.floats("a", size, -3, 3), aOff);
          float[] b = placed(c, c.floats("b", size, -3, 3), bOff);
          int first = c.intIn("firstChannel", 0, channels);
          int end = c.intIn("endChannel", first, channels);
          double[] sumsE = new double[channels + 1];
          double[] dotsE = new double[channels + 2];
          double[] sumsA = new double[channels + 1];
          double[] dotsA = new double[channels + 2];
          Arrays.fill(sumsA, 5);
          Arrays.fill(dotsA, 5);
          SCALAR.reductions().sumDotChannels(sumsE, 1, dotsE, 2, a, aOff, b, bOff, batch,
              channels, spatial, first, end);
          SIMD.reductions().sumDotChannels(sumsA, 1, dotsA, 2, a, aOff, b, bOff, batch,
              channels, spatial, first, end);
          int count = batch * spatial;
          for (int ch = 0; ch < channels; ch++) {
            if (ch < first || ch >= end) {
              assertEquals(5, sumsA[1 + ch], "sum of channel " + ch + " left alone");
              assertEquals(5, dotsA[2 + ch], "dot of channel " + ch + " left alone");
              continue;
            }
            // values ≤ 3 and products ≤ 9 in magnitude: the sum bound over count of them
            assertEquals(sumsE[1 + ch], sumsA[1 + ch],
                (count + 2) * EPS * 3 * count + Float.MIN_NORMAL, "sum of channel " + ch);
            assertEquals(dotsE[2 + ch], dotsA[2 + ch],
                (count + 2) * EPS * 9 * count + Float.MIN_NORMAL, "dot of channel " + ch);
            // the bits of batch norm's former per-run calls: each run's SIMD sum and dot,
            // added in double in the order of the samples
            double s = 0;
            double d = 0;
            for (int n = 0; n < batch; n++) {
              int at = (n * channels + ch) * spatial;
              s += SIMD.reductions().sum(a, aOff + at, spatial);
              d += SIMD.reductions().dot(a, aOff + at, b, bOff + at, spatial);
            }
            assertEquals(Double.doubleToLongBits(s), Double.doubleToLongBits(sumsA[1 + ch]),
                "sum bits of channel " + ch);
            assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits(dotsA[2 + ch]),
                "dot bits of channel " + ch);
          }
        });
  }

  @Test
  void channelStatisticsKeepThePerRunBits() {
    // meanVarianceChannels closes each run's sums in scalar code; its results must be those of
    // the vector tails it replaced: the per-run SIMD sum, added in float
    Property.named("simd meanVarianceChannels' mean is the per-run sums' bits").tries(100)
        .check(c -> {
          int batch = c.size("batch", 1, 4, 1, 2);
          int channels = c.size("channels", 1, 4, 1, 3);
          int spatial = c.size("spatial", 1, 80, Sizes.aroundLanes(LANES));
          float[] x = c.floatsWithSpecials("x", batch * channels * spatial, -3, 3);
          float[] mean = new float[channels];
          float[] var = new float[channels];
          SIMD.reductions().meanVarianceChannels(mean, 0, var, 0, x, 0, batch, channels, spatial);
          for (int ch = 0; ch < channels; ch++) {
            float s = 0;
            for (int n = 0; n < batch; n++) {
              s += SIMD.reductions().sum(x, (n * channels + ch) * spatial, spatial);
            }
            // floatToIntBits: every NaN counts as one, as in FloatAsserts.assertSameBits (Java
            // leaves a NaN's sign and payload open)
            assertEquals(Float.floatToIntBits(s / ((float) batch * spatial)),
                Float.floatToIntBits(mean[ch]), "mean bits of channel " + ch);
          }
        });
  }

  /** n·2⁻²⁴·Σ|x|, plus a little for the final rounding to float. */
  private static double sumBound(float[] x, int n) {
    double absSum = 0;
    for (int i = 0; i < n; i++) {
      absSum += Math.abs(x[i]);
    }
    return (n + 2) * EPS * absSum + Float.MIN_NORMAL;
  }
}
