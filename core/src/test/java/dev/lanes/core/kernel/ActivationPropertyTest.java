package dev.lanes.core.kernel;

import static dev.lanes.core.kernel.KernelPair.EPS;
import static dev.lanes.core.kernel.KernelPair.LANES;
import static dev.lanes.core.kernel.KernelPair.SCALAR;
import static dev.lanes.core.kernel.KernelPair.SIMD;
import static dev.lanes.core.kernel.KernelPair.assertCanaries;
import static dev.lanes.core.kernel.KernelPair.output;
import static dev.lanes.core.kernel.KernelPair.placed;

import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import dev.lanes.core.prop.Sizes;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every SIMD activation against its scalar reference, on lengths around the lane count, non-zero
 * offsets, and inputs with special values (NaN, ±Inf, ±0, ±MAX_VALUE, subnormals).
 *
 * <p>Tolerances, as {@code abs + rel·|expected|}: the comparisons and multiplications (relu, the
 * backward passes of sigmoid, tanh, exp) run the same IEEE operations in the same order, so
 * they must match bitwise. The vectorised EXP/TANH/LOG1P are within about 1 ulp where the
 * reference (double, rounded once) is within 0.5 ulp, and a few float roundings follow: 4 to 6
 * ulp (rel 2.4e-7 to 3.6e-7). GELU's float argument u (|u| ≤ 44) carries about 2 ulp of relative
 * error, which sigmoid(2u) turns into about (2|u| + 3) ulp of the result: rel 1e-5. Results
 * below the float normal range (1.2e-38) compare with an absolute 1e-37: the vector math may
 * flush what the double reference keeps as a subnormal.
 */
class ActivationPropertyTest {
  /** A forward kernel: {@code out = f(x)}. */
  interface Forward {
    void apply(ActivationKernels k, float[] out, int outOff, float[] x, int xOff, int n);
  }

  /** A backward kernel: {@code dx = dy · f'(saved)}, saved being x or y. */
  interface Backward {
    void apply(ActivationKernels k, float[] dx, int dxOff, float[] dy, int dyOff, float[] saved,
        int savedOff, int n);
  }

  static Stream<Arguments> forwards() {
    return Stream.of(
        Arguments.of("relu", (Forward) ActivationKernels::relu, -5f, 5f, 0.0, 0.0),
        Arguments.of("leakyRelu", (Forward) (k, o, oo, x, xo, n) ->
            k.leakyRelu(o, oo, x, xo, 0.01f, n), -5f, 5f, 0.0, 0.0),
        Arguments.of("sigmoid", (Forward) ActivationKernels::sigmoid, -100f, 100f, 1e-37, 6 * EPS),
        Arguments.of("tanh", (Forward) ActivationKernels::tanh, -20f, 20f, 1e-37, 4 * EPS),
        Arguments.of("exp", (Forward) ActivationKernels::exp, -110f, 90f, 1e-37, 4 * EPS),
        Arguments.of("gelu", (Forward) ActivationKernels::gelu, -12f, 12f, 1e-7, 1e-5),
        Arguments.of("softplus", (Forward) ActivationKernels::softplus, -110f, 110f, 1e-37,
            6 * EPS));
  }

  static Stream<Arguments> backwards() {
    return Stream.of(
        Arguments.of("reluBackward", (Backward) ActivationKernels::reluBackward, -5f, 5f,
            0.0, 0.0),
        Arguments.of("leakyReluBackward", (Backward) (k, dx, dxo, dy, dyo, x, xo, n) ->
            k.leakyReluBackward(dx, dxo, dy, dyo, x, xo, 0.2f, n), -5f, 5f, 0.0, 0.0),
        Arguments.of("sigmoidBackward", (Backward) ActivationKernels::sigmoidBackward, 0f, 1f,
            0.0, 0.0),
        Arguments.of("tanhBackward", (Backward) ActivationKernels::tanhBackward, -1f, 1f,
            0.0, 0.0),
        Arguments.of("expBackward", (Backward) ActivationKernels::expBackward, 0f, 50f, 0.0, 0.0),
        // the derivative crosses zero near x = -0.75, so an absolute part is needed there
        Arguments.of("geluBackward", (Backward) ActivationKernels::geluBackward, -12f, 12f,
            4e-6, 1e-5),
        Arguments.of("softplusBackward", (Backward) ActivationKernels::softplusBackward,
            -100f, 100f, 1e-37, 6 * EPS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forwards")
  void simdForwardMatchesScalar(String name, Forward f, float lo, float hi, double abs,
      double rel) {
    Property.named("simd " + name + " matches scalar").tries(150).check(c -> {
      int n = c.size("n", 0, 300, Sizes.aroundLanes(LANES));
      int xOff = c.intIn("xOff", 0, 2 * LANES + 1);
      int outOff = c.intIn("outOff", 0, 2 * LANES + 1);
      float[] values = c.bool("specials")
          ? c.floatsWithSpecials("x", n, lo, hi) : c.floats("x", n, lo, hi);
      float[] x = placed(c, values, xOff);
      float[] expected = output(c, "expected", outOff, n);
      float[] actual = expected.clone();
      float[] xBefore = x.clone();
      f.apply(SCALAR.activations(), expected, outOff, x, xOff, n);
      f.apply(SIMD.activations(), actual, outOff, x, xOff, n);
      FloatAsserts.assertClose(name, expected, outOff, actual, outOff, n, abs, rel);
      assertCanaries(name, actual, outOff, n);
      FloatAsserts.assertClose(name + " input", xBefore, x, 0, 0);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backwards")
  void simdBackwardMatchesScalar(String name, Backward f, float lo, float hi, double abs,
      double rel) {
    Property.named("simd " + name + " matches scalar").tries(150).check(c -> {
      int n = c.size("n", 0, 300, Sizes.aroundLanes(LANES));
      int off = c.intIn("offset", 0, 2 * LANES + 1);
      boolean specials = c.bool("specials");
      // Specials go into the saved forward value; dy stays finite (NaN only), because dy = Inf
      // times a derivative that one side rounds to 0 and the other does not is NaN vs Inf.
      float[] saved = placed(c, specials ? c.floatsWithSpecials("saved", n, lo, hi)
          : c.floats("saved", n, lo, hi), off + 1);
      float[] dy = placed(c, specials ? c.floatsWith("dy", n, -2f, 2f, Float.NaN, 0f)
          : c.floats("dy", n, -2f, 2f), off);
      float[] expected = output(c, "expected", off, n);
      float[] actual = expected.clone();
      f.apply(SCALAR.activations(), expected, off, dy, off, saved, off + 1, n);
      f.apply(SIMD.activations(), actual, off, dy, off, saved, off + 1, n);
      FloatAsserts.assertClose(name, expected, off, actual, off, n, abs, rel);
      assertCanaries(name, actual, off, n);
    });
  }
}
