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
import org.junit.jupiter.api.Test;

/**
 * SIMD softmax against the scalar reference (exp and sums in double). A probability e/S carries
 * the vector EXP's ulp, the float sum's relative error (at most cols·2⁻²⁴) and two roundings:
 * rel (cols + 4)·2⁻²⁴. A log-probability (x - m) - log S carries the sum's relative error as an
 * absolute one: abs (cols + 4)·2⁻²⁴, plus a few ulp of the result.
 */
class SoftmaxPropertyTest {
  @Test
  void softmaxMatchesScalar() {
    Property.named("simd softmaxRows matches scalar").tries(200).check(c -> {
      int rows = c.size("rows", 0, 5, 1, 2, 3);
      int cols = c.size("cols", 0, 300, Sizes.aroundLanes(LANES));
      float scale = c.oneOf("scale", 1f, 30f, 1e4f);
      int off = c.intIn("offset", 0, 2 * LANES + 1);
      int n = rows * cols;
      float[] x = placed(c, c.bool("specials") ? c.floatsWithSpecials("x", n, -scale, scale)
          : c.floats("x", n, -scale, scale), off);
      float[] expected = output(c, "out", off, n);
      float[] actual = expected.clone();
      SCALAR.softmax().softmaxRows(expected, off, x, off, rows, cols);
      SIMD.softmax().softmaxRows(actual, off, x, off, rows, cols);
      FloatAsserts.assertClose("softmaxRows", expected, off, actual, off, n, 1e-37,
          (cols + 4) * EPS);
      assertCanaries("softmaxRows", actual, off, n);
    });
  }

  @Test
  void logSoftmaxMatchesScalar() {
    Property.named("simd logSoftmaxRows matches scalar").tries(200).check(c -> {
      int rows = c.size("rows", 0, 5, 1, 2, 3);
      int cols = c.size("cols", 0, 300, Sizes.aroundLanes(LANES));
      float scale = c.oneOf("scale", 1f, 30f, 1e4f);
      int off = c.intIn("offset", 0, 2 * LANES + 1);
      int n = rows * cols;
      float[] x = placed(c, c.bool("specials") ? c.floatsWithSpecials("x", n, -scale, scale)
          : c.floats("x", n, -scale, scale), off);
      float[] expected = output(c, "out", off, n);
      float[] actual = expected.clone();
      SCALAR.softmax().logSoftmaxRows(expected, off, x, off, rows, cols);
      SIMD.softmax().logSoftmaxRows(actual, off, x, off, rows, cols);
      FloatAsserts.assertClose("logSoftmaxRows", expected, off, actual, off, n,
          (cols + 4) * EPS, 4 * EPS);
      assertCanaries("logSoftmaxRows", actual, off, n);
    });
  }
}
