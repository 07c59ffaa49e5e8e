package dev.lanes.core.kernel;

import static dev.lanes.core.kernel.KernelPair.CANARY;
import static dev.lanes.core.kernel.KernelPair.LANES;
import static dev.lanes.core.kernel.KernelPair.SCALAR;
import static dev.lanes.core.kernel.KernelPair.SIMD;
import static dev.lanes.core.kernel.KernelPair.assertCanaries;
import static dev.lanes.core.kernel.KernelPair.output;
import static dev.lanes.core.kernel.KernelPair.placed;

import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import dev.lanes.core.prop.Sizes;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIMD element-wise kernels against the scalar reference. Both run the same single IEEE
 * operation per element (axpy is a multiply then an add in both, never a fused multiply-add),
 * so the results must be identical, special values included.
 */
class ElementwisePropertyTest {
  /** A kernel of the form out = op(a, b) with alpha where it takes one. */
  interface Binary {
    void apply(ElementwiseKernels k, float[] out, int outOff, float[] a, int aOff, float[] b,
        int bOff, float alpha, int n);
  }

  static Stream<Arguments> kernels() {
    return Stream.of(
        Arguments.of("add", (Binary) (k, o, oo, a, ao, b, bo, al, n) -> k.add(o, oo, a, ao, b, bo, n)),
        Arguments.of("sub", (Binary) (k, o, oo, a, ao, b, bo, al, n) -> k.sub(o, oo, a, ao, b, bo, n)),
        Arguments.of("mul", (Binary) (k, o, oo, a, ao, b, bo, al, n) -> k.mul(o, oo, a, ao, b, bo, n)),
        Arguments.of("scale", (Binary) (k, o, oo, a, ao, b, bo, al, n) -> k.scale(o, oo, al, a, ao, n)),
        Arguments.of("copy", (Binary) (k, o, oo, a, ao, b, bo, al, n) -> k.copy(o, oo, a, ao, n)),
        Arguments.of("fill", (Binary) (k, o, oo, a, ao, b, bo, al, n) -> k.fill(o, oo, al, n)),
        Arguments.of("axpy", (Binary) (k, o, oo, a, ao, b, bo, al, n) -> {
          System.arraycopy(b, bo, o, oo, n); // y starts as b
          k.axpy(o, oo, al, a, ao, n);
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void simdMatchesScalarExactly(String name, Binary op) {
    Property.named("simd " + name + " matches scalar").tries(120).check(c -> {
      int n = c.size("n", 0, 300, Sizes.aroundLanes(LANES));
      int outOff = c.intIn("outOff", 0, 2 * LANES + 1);
      int aOff = c.intIn("aOff", 0, 2 * LANES + 1);
      int bOff = c.intIn("bOff", 0, 2 * LANES + 1);
      float alpha = c.oneOf("alpha", 0f, 1f, -0.5f, 3.25f, Float.NaN);
      float[] a = placed(c, c.floatsWithSpecials("a", n, -10, 10), aOff);
      float[] b = placed(c, c.floatsWithSpecials("b", n, -10, 10), bOff);
      float[] expected = output(c, "out", outOff, n);
      float[] actual = expected.clone();
      op.apply(SCALAR.elementwise(), expected, outOff, a, aOff, b, bOff, alpha, n);
      op.apply(SIMD.elementwise(), actual, outOff, a, aOff, b, bOff, alpha, n);
      FloatAsserts.assertClose(name, expected, outOff, actual, outOff, n, 0, 0);
      assertCanaries(name, actual, outOff, n);
    });
  }

  @Test
  void inPlaceAddMatchesScalar() {
    Property.named("simd add in place matches scalar").tries(60).check(c -> {
      int n = c.size("n", 0, 200, Sizes.aroundLanes(LANES));
      float[] a = c.floats("a", n, -10, 10);
      float[] b = c.floats("b", n, -10, 10);
      float[] expected = a.clone();
      float[] actual = a.clone();
      SCALAR.elementwise().add(expected, 0, expected, 0, b, 0, n);
      SIMD.elementwise().add(actual, 0, actual, 0, b, 0, n);
      FloatAsserts.assertClose("add in place", expected, actual, 0, 0);
    });
  }

  @Test
  void adamUpdateMatchesScalarBitForBit() {
    Property.named("simd adamUpdate matches scalar").tries(100).check(c -> {
      int n = c.size("n", 0, 200, Sizes.aroundLanes(LANES));
      int off = c.intIn("offset", 0, 3);
      float[] w = c.floats("w", n + off, -2, 2);
      float[] g = c.floats("g", n + off, -1, 1);
      float[] m = c.floats("m", n + off, -0.1f, 0.1f);
      float[] v = c.floats("v", n + off, 0, 0.01f);
      float l2 = c.bool("l2") ? 1e-2f : 0f;
      int step = c.intIn("step", 1, 50);
      float stepSize = (float) (1e-3 / (1 - Math.pow(0.9, step)));
      float inv = (float) (1 / Math.sqrt(1 - Math.pow(0.999, step)));
      float[][] e = {w.clone(), m.clone(), v.clone()};
      float[][] a = {w.clone(), m.clone(), v.clone()};
      SCALAR.elementwise().adamUpdate(e[0], off, g, off, e[1], off, e[2], off, n, 0.9f, 0.999f,
          1e-8f, l2, stepSize, inv);
      SIMD.elementwise().adamUpdate(a[0], off, g, off, a[1], off, a[2], off, n, 0.9f, 0.999f,
          1e-8f, l2, stepSize, inv);
      FloatAsserts.assertClose("adam w", e[0], a[0], 0, 0);
      FloatAsserts.assertClose("adam m", e[1], a[1], 0, 0);
      FloatAsserts.assertClose("adam v", e[2], a[2], 0, 0);
    });
  }

  @Test
  void batchNormPassesMatchScalarBitForBit() {
    Property.named("simd normalize and normalizeBackward match scalar").tries(100).check(c -> {
      // one channel of NCHW: runs of n values, stride apart, with untouched gaps between them
      int runs = c.size("runs", 0, 5, 0, 1, 2);
      int n = c.size("n", 0, 200, Sizes.aroundLanes(LANES));
      int stride = n + c.intIn("gap", 0, LANES + 1);
      int off = c.intIn("offset", 0, 3);
      int size = off + (runs == 0 ? 0 : (runs - 1) * stride + n) + 2;
      float[] x = c.floatsWithSpecials("x", size, -10, 10);
      float mean = c.floatIn("mean", -2, 2);
      float invStd = c.floatIn("invStd", 0.01f, 10);
      float gamma = c.floatIn("gamma", -2, 2);
      float beta = c.floatIn("beta", -2, 2);
      float[][] e = {canaries(size), canaries(size)};
      float[][] a = {canaries(size), canaries(size)};
      SCALAR.elementwise().normalize(e[0], off, e[1], off, x, off, mean, invStd, gamma, beta,
          runs, n, stride);
      SIMD.elementwise().normalize(a[0], off, a[1], off, x, off, mean, invStd, gamma, beta,
          runs, n, stride);
      FloatAsserts.assertClose("normalize h", e[0], a[0], 0, 0);
      FloatAsserts.assertClose("normalize y", e[1], a[1], 0, 0);
      float[] dy = c.floatsWithSpecials("dy", size, -1, 1);
      float count = c.intIn("count", 1, 10_000);
      float sumDy = c.floatIn("sumDy", -5, 5);
      float sumDyH = c.floatIn("sumDyH", -5, 5);
      float[] dxE = canaries(size);
      float[] dxA = canaries(size);
      SCALAR.elementwise().normalizeBackward(dxE, off, dy, off, e[0], off, invStd / count, count,
          sumDy, sumDyH, runs, n, stride);
      SIMD.elementwise().normalizeBackward(dxA, off, dy, off, e[0], off, invStd / count, count,
          sumDy, sumDyH, runs, n, stride);
      FloatAsserts.assertClose("normalizeBackward", dxE, dxA, 0, 0);
      // the scalar reference is plain loops; pin that it wrote the runs and nothing else
      for (int r = 0; r < runs; r++) {
        for (int i = 0; i < n; i++) {
          dxE[off + r * stride + i] = CANARY;
        }
      }
      assertCanaries("normalizeBackward", dxE, 0, 0);
    });
  }

  private static float[] canaries(int size) {
    float[] a = new float[size];
    Arrays.fill(a, CANARY);
    return a;
  }

  @Test
  void rowBiasMatchesScalar() {
    Property.named("simd addRowBias matches scalar").tries(120).check(c -> {
      int rows = c.size("rows", 0, 9, 0, 1, 2, 3);
      int cols = c.size("cols", 0, 70, Sizes.aroundLanes(LANES));
      int off = c.intIn("offset", 0, LANES + 1);
      float[] x = placed(c, c.floatsWithSpecials("x", rows * cols, -10, 10), off);
      float[] bias = placed(c, c.floats("bias", cols, -3, 3), 1);
      float[] expected = x.clone();
      float[] actual = x.clone();
      SCALAR.elementwise().addRowBias(expected, off, bias, 1, rows, cols);
      SIMD.elementwise().addRowBias(actual, off, bias, 1, rows, cols);
      FloatAsserts.assertClose("addRowBias", expected, actual, 0, 0);
    });
  }

  @Test
  void channelBiasMatchesScalar() {
    Property.named("simd addChannelBias matches scalar").tries(120).check(c -> {
      int batch = c.size("batch", 0, 3, 0, 1, 2);
      int channels = c.size("channels", 0, 5, 1, 3);
      int spatial = c.size("spatial", 0, 70, Sizes.aroundLanes(LANES));
      int off = c.intIn("offset", 0, LANES + 1);
      float[] x = placed(c, c.floatsWithSpecials("x", batch * channels * spatial, -10, 10), off);
      float[] bias = c.floats("bias", channels, -3, 3);
      float[] expected = x.clone();
      float[] actual = x.clone();
      SCALAR.elementwise().addChannelBias(expected, off, bias, 0, batch, channels, spatial);
      SIMD.elementwise().addChannelBias(actual, off, bias, 0, batch, channels, spatial);
      FloatAsserts.assertClose("addChannelBias", expected, actual, 0, 0);
    });
  }
}
