package dev.lanes.core.kernel;

import static dev.lanes.core.kernel.KernelPair.EPS;
import static dev.lanes.core.kernel.KernelPair.LANES;
import static dev.lanes.core.kernel.KernelPair.SCALAR;
import static dev.lanes.core.kernel.KernelPair.SIMD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * SIMD pooling against the direct loops. The SIMD kernels visit window taps in the same order
 * with the same comparison and the same float additions, so max and average pooling must match
 * exactly, argmax indices included; global average pooling sums in another order (tolerance
 * (spatial + 2)·2⁻²⁴·Σ|x| / spatial). The backward passes are checked as adjoints of the
 * forward: ⟨pool(x), dy⟩ = ⟨x, poolBackward(dy)⟩ for average pooling, and for max pooling with
 * the argmax fixed.
 */
class PoolPropertyTest {
  private static Pool2dGeometry geometry(Case c) {
    int kh = c.intIn("kernelH", 1, 4);
    int kw = c.intIn("kernelW", 1, 4);
    int ph = c.intIn("padH", 0, kh / 2);
    int pw = c.intIn("padW", 0, kw / 2);
    int height = c.size("height", Math.max(1, kh - 2 * ph), 17);
    // widths around whole vectors of outputs, so the vector path and both borders all run
    int width = c.size("width", Math.max(1, kw - 2 * pw), 3 * LANES + 20, 1, LANES, LANES + 1,
        2 * LANES, 2 * LANES + 3, 3 * LANES + 2);
    return new Pool2dGeometry(c.size("batch", 1, 3), c.size("channels", 1, 3), height, width,
        kh, kw, c.intIn("strideH", 1, 3), c.intIn("strideW", 1, 3), ph, pw);
  }

  @Test
  void maxPoolMatchesTheDirectLoopsExactly() {
    Property.named("simd maxPool2d matches scalar").tries(250).check(c -> {
      Pool2dGeometry g = geometry(c);
      c.note("geometry", g);
      // a coarse grid of values makes ties common; NaN now and then
      float[] x = new float[g.inputSize() + 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = c.random().nextInt(50) == 0 ? Float.NaN : c.random().nextInt(-4, 5);
      }
      float[] expected = new float[g.outputSize()];
      float[] actual = new float[g.outputSize()];
      int[] argE = new int[g.outputSize()];
      int[] argA = new int[g.outputSize()];
      SCALAR.pool().maxPoolForward(expected, 0, argE, 0, x, 3, g);
      SIMD.pool().maxPoolForward(actual, 0, argA, 0, x, 3, g);
      FloatAsserts.assertClose("maxPool2d", expected, actual, 0, 0);
      assertArrayEquals(argE, argA, "argmax");
    });
  }

  @Test
  void maxPool2x2WithoutPaddingMatchesTheDirectLoopsExactly() {
    // the branch-free 2x2 path: ties (a coarse grid), ±0, NaN and ±∞ (whose sum is NaN);
    // rows of fewer than L windows (blocks running into the next rows) and the last rows, which
    // must not run past the input or the outputs: the arrays end where the tensors do, bar
    // the outputs' guard values
    float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    Property.named("simd maxPool2d 2x2 matches scalar").tries(250).check(c -> {
      Pool2dGeometry g = new Pool2dGeometry(c.size("batch", 1, 3), c.size("channels", 1, 3),
          c.size("height", 2, 17), c.size("width", 2, 3 * LANES + 20, 2 * LANES - 2,
              2 * LANES - 1, LANES, 14, 15), 2, 2,
          c.intIn("strideH", 1, 3), c.intIn("strideW", 1, 3), 0, 0);
      c.note("geometry", g);
      float[] x = new float[g.inputSize() + 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = c.random().nextInt(20) == 0 ? specials[c.random().nextInt(specials.length)]
            : c.random().nextInt(-4, 5);
      }
      float[] expected = c.floats("out guard", g.outputSize() + 2, -9, 9);
      float[] actual = expected.clone();
      int[] argE = new int[g.outputSize() + 2];
      Arrays.fill(argE, -7);
      int[] argA = argE.clone();
      SCALAR.pool().maxPoolForward(expected, 0, argE, 0, x, 3, g);
      SIMD.pool().maxPoolForward(actual, 0, argA, 0, x, 3, g);
      FloatAsserts.assertSameBits("maxPool2d", expected, actual);
      assertArrayEquals(argE, argA, "argmax");
    });
  }

  @Test
  void maxPool2x2BackwardMatchesTheReferenceExactly() {
    // stride 2 takes the vector path (rows of fewer than L windows too, their blocks running
    // into the next rows, but not past dx's end) or its one-window loop, strides 1 and 3 the
    // reference; odd sizes leave inputs in no window; dy has ±0, NaN, ±∞
    float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    Property.named("simd maxPool2d 2x2 backward matches scalar").tries(150).check(c -> {
      int stride = c.intIn("stride", 1, 3);
      Pool2dGeometry g = new Pool2dGeometry(c.size("batch", 1, 3), c.size("channels", 1, 3),
          c.size("height", 2, 17), c.size("width", 2, 3 * LANES + 20, 2 * LANES,
              2 * LANES + 1, 4 * LANES + 3, 2 * LANES - 2, 2 * LANES - 1, LANES, 14, 15), 2, 2,
          stride, stride, 0, 0);
      c.note("geometry", g);
      float[] x = new float[g.inputSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = c.random().nextInt(-4, 5); // ties are common
      }
      int[] arg = new int[g.outputSize() + 1];
      SCALAR.pool().maxPoolForward(new float[g.outputSize()], 0, arg, 1, x, 0, g);
      float[] dy = new float[g.outputSize() + 2];
      for (int i = 0; i < dy.length; i++) {
        dy[i] = c.random().nextInt(10) == 0 ? specials[c.random().nextInt(specials.length)]
            : c.random().nextInt(-9, 10) / 4f;
      }
      float[] expected = c.floats("dx garbage", g.inputSize() + 5, -9, 9); // 2 guard values
      float[] actual = expected.clone();
      SCALAR.pool().maxPoolBackward(expected, 3, dy, 2, arg, 1, g);
      SIMD.pool().maxPoolBackward(actual, 3, dy, 2, arg, 1, g);
      FloatAsserts.assertSameBits("dx", expected, actual);
    });
  }

  @Test
  void avgPoolMatchesTheDirectLoopsExactly() {
    Property.named("simd avgPool2d matches scalar").tries(250).check(c -> {
      Pool2dGeometry g = geometry(c);
      c.note("geometry", g);
      boolean countPadding = c.bool("countPadding");
      float[] x = c.floats("x", g.inputSize(), -5, 5);
      float[] expected = new float[g.outputSize()];
      float[] actual = new float[g.outputSize()];
      SCALAR.pool().avgPoolForward(expected, 0, x, 0, g, countPadding);
      SIMD.pool().avgPoolForward(actual, 0, x, 0, g, countPadding);
      FloatAsserts.assertClose("avgPool2d", expected, actual, 0, 0);
    });
  }

  @Test
  void backwardPassesAreAdjointsOfTheForward() {
    Property.named("pool backward is the adjoint of forward").tries(150).check(c -> {
      Pool2dGeometry g = geometry(c);
      c.note("geometry", g);
      boolean countPadding = c.bool("countPadding");
      float[] x = c.floats("x", g.inputSize(), -5, 5);
      float[] dy = c.floats("dy", g.outputSize(), -5, 5);
      for (KernelProvider p : new KernelProvider[] {SCALAR, SIMD}) {
        float[] out = new float[g.outputSize()];
        float[] dx = c.floats("dx garbage", g.inputSize(), -9, 9); // must be overwritten
        p.pool().avgPoolForward(out, 0, x, 0, g, countPadding);
        p.pool().avgPoolBackward(dx, 0, dy, 0, g, countPadding);
        assertEquals(dot(out, dy), dot(x, dx), 1e-5 * (1 + absDot(out, dy)), "avg " + p.description());

        int[] arg = new int[g.outputSize()];
        p.pool().maxPoolForward(out, 0, arg, 0, x, 0, g);
        dx = c.floats("dx garbage", g.inputSize(), -9, 9);
        p.pool().maxPoolBackward(dx, 0, dy, 0, arg, 0, g);
        assertEquals(dot(out, dy), dot(x, dx), 1e-5 * (1 + absDot(out, dy)), "max " + p.description());
      }
    });
  }

  @Test
  void globalAvgPoolMatchesScalar() {
    Property.named("simd globalAvgPool matches scalar").tries(150).check(c -> {
      int batch = c.size("batch", 1, 3);
      int channels = c.size("channels", 1, 4);
      int spatial = c.size("spatial", 1, 200, 1, LANES - 1, LANES, LANES + 1, 4 * LANES + 1);
      float[] x = c.floats("x", batch * channels * spatial, -5, 5);
      float[] expected = new float[batch * channels];
      float[] actual = new float[batch * channels];
      SCALAR.pool().globalAvgPoolForward(expected, 0, x, 0, batch, channels, spatial);
      SIMD.pool().globalAvgPoolForward(actual, 0, x, 0, batch, channels, spatial);
      FloatAsserts.assertClose("globalAvgPool", expected, actual, (spatial + 2) * EPS * 5, 0);
      float[] dy = c.floats("dy", batch * channels, -5, 5);
      float[] dxE = new float[x.length];
      float[] dxA = new float[x.length];
      SCALAR.pool().globalAvgPoolBackward(dxE, 0, dy, 0, batch, channels, spatial);
      SIMD.pool().globalAvgPoolBackward(dxA, 0, dy, 0, batch, channels, spatial);
      FloatAsserts.assertClose("globalAvgPoolBackward", dxE, dxA, 0, 0);
    });
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static double absDot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.abs((double) a[i] * b[i]);
    }
    return s;
  }
}
