package dev.lanes.core.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.ConvKernels;
import dev.lanes.core.kernel.Im2colConv;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The direct convolution for short patches against im2col + sgemm (bit for bit: it reproduces
 * their operations) and against the reference loops (within the rounding bound), on random
 * geometries that it takes: stride 1, patches C·kh·kw shorter than NR, widths around multiples
 * of the lane count, output channels around its blocks (6 forward, 2 in the weight gradient),
 * batches that put several images in a part of the weight gradient, and non-zero offsets.
 */
class DirectConvTest {
  private static final int L = FloatSpecies.L;
  private static final SimdElementwise ELEMENTWISE = new SimdElementwise();
  private static final SimdReductions REDUCTIONS = new SimdReductions();
  private static final Im2colConv IM2COL =
      new Im2colConv(new SimdGemm(), ELEMENTWISE, REDUCTIONS);
  private static final DirectConv DIRECT = new DirectConv(IM2COL, ELEMENTWISE, REDUCTIONS);
  private static final ConvKernels SCALAR = KernelProvider.scalar().conv();

  /** A geometry DirectConv takes, or null when the drawn kernel and channels do not fit. */
  private static Conv2dGeometry geometry(Case c) {
    int kh = c.intIn("kernelH", 1, 3);
    int kw = c.intIn("kernelW", 1, 3);
    int channels = c.size("inChannels", 1, Math.max(1, (SimdGemm.NR - 1) / (kh * kw)), 1);
    int dh = c.intIn("dilationH", 1, 2);
    int dw = c.intIn("dilationW", 1, 2);
    int ph = c.intIn("padH", 0, 2);
    int pw = c.intIn("padW", 0, 2);
    int minH = Math.max(1, dh * (kh - 1) + 1 - 2 * ph);
    int minW = Math.max(1, dw * (kw - 1) + 1 - 2 * pw);
    Conv2dGeometry g = new Conv2dGeometry(c.size("batch", 1, 12, 1, 8, 9, 12), channels,
        c.size("height", minH, 17, 1, 3, 28),
        c.size("width", minW, 4 * L + 5, 1, L - 1, L, L + 1, 2 * L, 4 * L - 1, 4 * L + 1, 28),
        c.size("outChannels", 1, 14, 1, 2, 5, 6, 7, 12, 13), kh, kw, 1, 1, ph, pw, dh, dw);
    return DirectConv.applies(g) ? g : null;
  }

  @Test
  void sameBitsAsIm2colAndGemm() {
    Property.named("direct conv has im2col + sgemm's bits").tries(150).check(c -> {
      Conv2dGeometry g = geometry(c);
      if (g == null) {
        return; // a 1x1 without padding, or a patch of NR or more
      }
      c.note("geometry", g);
      // NaN, ±Inf and ±0 among them: they must propagate through the same operations
      float[] x = c.floatsWithSpecials("x", g.inputSize() + 3, -1, 1);
      float[] w = c.floatsWithSpecials("w", g.weightSize() + 1, -1, 1);
      float[] bias = c.bool("bias") ? c.floats("b", g.outChannels() + 2, -1, 1) : null;
      float[] dy = c.floatsWithSpecials("dy", g.outputSize() + 1, -1, 1);

      float[] yE = c.floats("y garbage", g.outputSize() + 1, -5, 5); // must be overwritten
      float[] yA = yE.clone();
      IM2COL.forward(yE, 1, x, 3, w, 1, bias, 2, g);
      DIRECT.forward(yA, 1, x, 3, w, 1, bias, 2, g);
      FloatAsserts.assertSameBits("forward", yE, yA);

      float[] dwE = c.floats("dw start", g.weightSize() + 2, -1, 1);
      float[] dwA = dwE.clone();
      float[] dbE = bias == null ? null : c.floats("db start", g.outChannels() + 1, -1, 1);
      float[] dbA = bias == null ? null : dbE.clone();
      IM2COL.backwardWeights(dwE, 2, dbE, 1, dy, 1, x, 3, g);
      DIRECT.backwardWeights(dwA, 2, dbA, 1, dy, 1, x, 3, g);
      FloatAsserts.assertSameBits("backwardWeights", dwE, dwA);
      if (bias != null) {
        FloatAsserts.assertSameBits("backwardWeights bias", dbE, dbA);
      }
    });
  }

  @Test
  void withinTheRoundingBoundOfTheReference() {
    Property.named("direct conv within the reference's bound").tries(100).check(c -> {
      Conv2dGeometry g = geometry(c);
      if (g == null) {
        return;
      }
      c.note("geometry", g);
      float[] x = c.floats("x", g.inputSize() + 2, -1, 1);
      float[] w = c.floats("w", g.weightSize(), -1, 1);
      float[] bias = c.floats("b", g.outChannels(), -1, 1);
      float[] dy = c.floats("dy", g.outputSize(), -1, 1);
      float[] abs = FloatAsserts.absolute(x);

      float[] yE = new float[g.outputSize()];
      float[] yA = new float[g.outputSize()];
      float[] yMag = new float[g.outputSize()];
      SCALAR.forward(yE, 0, x, 2, w, 0, bias, 0, g);
      DIRECT.forward(yA, 0, x, 2, w, 0, bias, 0, g);
      SCALAR.forward(yMag, 0, abs, 2, FloatAsserts.absolute(w), 0,
          FloatAsserts.absolute(bias), 0, g);
      FloatAsserts.assertWithinRoundingBound("forward", yE, yA, yMag, g.patchSize() + 3);

      float[] start = c.floats("dw start", g.weightSize(), -1, 1);
      float[] dwE = start.clone();
      float[] dwA = start.clone();
      float[] dwMag = FloatAsserts.absolute(start);
      float[] dbE = new float[g.outChannels()];
      float[] dbA = new float[g.outChannels()];
      float[] dbMag = new float[g.outChannels()];
      SCALAR.backwardWeights(dwE, 0, dbE, 0, dy, 0, x, 2, g);
      DIRECT.backwardWeights(dwA, 0, dbA, 0, dy, 0, x, 2, g);
      SCALAR.backwardWeights(dwMag, 0, dbMag, 0, FloatAsserts.absolute(dy), 0, abs, 2, g);
      int terms = g.batch() * g.outPlane() + 3;
      FloatAsserts.assertWithinRoundingBound("backwardWeights", dwE, dwA, dwMag, terms);
      FloatAsserts.assertWithinRoundingBound("backwardWeights bias", dbE, dbA, dbMag, terms);
    });
  }

  /**
   * One 3x3 image of ones, a 3x3 kernel of ones, padding 1: each output counts the pixels its
   * window covers (4 at a corner, 6 at an edge, 9 in the middle), plus the bias; with dy all
   * ones each weight's gradient counts the outputs whose window has its tap inside the image,
   * the same 4 / 6 / 9 pattern, and the bias gradient counts the 9 outputs.
   */
  @Test
  void handComputedOnes() {
    Conv2dGeometry g = new Conv2dGeometry(1, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1);
    float[] ones = new float[9];
    Arrays.fill(ones, 1f);
    float[] y = new float[9];
    DIRECT.forward(y, 0, ones, 0, ones, 0, new float[] {0.5f}, 0, g);
    float[] counts = {4, 6, 4, 6, 9, 6, 4, 6, 4};
    float[] expected = new float[9];
    for (int i = 0; i < 9; i++) {
      expected[i] = counts[i] + 0.5f;
    }
    assertArrayEquals(expected, y);
    float[] dw = new float[9];
    float[] db = {1f};
    DIRECT.backwardWeights(dw, 0, db, 0, ones, 0, ones, 0, g);
    assertArrayEquals(counts, dw);
    assertArrayEquals(new float[] {10f}, db);
  }

  @Test
  void takesStrideOneWithShortPatches() {
    Conv2dGeometry first = new Conv2dGeometry(64, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1);
    // a first layer on one-channel images: k = 9 (NR is 16 with 8 lanes; 8 with 4 lanes)
    assertEquals(9 < SimdGemm.NR, DirectConv.applies(first));
    assertFalse(DirectConv.applies(
        new Conv2dGeometry(2, 1, 28, 28, 32, 3, 3, 2, 2, 1, 1, 1, 1)), "stride 2");
    assertFalse(DirectConv.applies(
        new Conv2dGeometry(2, 3, 8, 8, 4, 1, 1, 1, 1, 0, 0, 1, 1)), "1x1 without padding");
    assertFalse(DirectConv.applies(new Conv2dGeometry(2, SimdGemm.NR / 4, 8, 8, 4, 2, 2, 1, 1,
        0, 0, 1, 1)), "a patch of NR");
    assertTrue(DirectConv.applies(new Conv2dGeometry(2, 1, 8, 8, 4, 1, 3, 1, 1, 0, 1, 1, 2)));
  }

  /** The input gradient is im2col's, bit for bit. */
  @Test
  void inputGradientIsTheFallbacks() {
    Conv2dGeometry g = new Conv2dGeometry(3, 1, 11, 9, 7, 3, 3, 1, 1, 1, 1, 1, 1);
    SplittableRandom r = new SplittableRandom(5);
    float[] dy = random(r, g.outputSize());
    float[] w = random(r, g.weightSize());
    float[] dxE = new float[g.inputSize()];
    float[] dxA = random(r, g.inputSize());
    IM2COL.backwardData(dxE, 0, dy, 0, w, 0, g);
    DIRECT.backwardData(dxA, 0, dy, 0, w, 0, g);
    FloatAsserts.assertSameBits("backwardData", dxE, dxA);
  }

  /**
   * The CNN's first layer (64 images: 8 parts of 8 in the weight gradient), 5 images (5 parts
   * of 1), 11 (6 parts of 2, the last short) and one image: the same bits with 1 and 2 threads,
   * and the same as im2col's.
   */
  @Test
  void sameBitsForOneAndTwoThreads() {
    for (Conv2dGeometry g : new Conv2dGeometry[] {
        new Conv2dGeometry(64, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1),
        new Conv2dGeometry(5, 1, 13, 2 * L + 3, 13, 3, 3, 1, 1, 1, 1, 1, 1),
        new Conv2dGeometry(11, 1, 7, 7, 8, 3, 3, 1, 1, 0, 0, 1, 1),
        new Conv2dGeometry(1, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1)}) {
      if (!DirectConv.applies(g)) {
        continue; // 4 lanes: NR = 8, k = 9 goes to im2col
      }
      SplittableRandom r = new SplittableRandom(7);
      float[] x = random(r, g.inputSize());
      float[] w = random(r, g.weightSize());
      float[] b = random(r, g.outChannels());
      float[] dy = random(r, g.outputSize());
      float[][] y = new float[3][];
      float[][] dw = new float[3][];
      float[][] db = new float[3][];
      int before = Parallel.threads();
      try {
        for (int threads = 1; threads <= 2; threads++) {
          Parallel.setThreads(threads);
          y[threads] = new float[g.outputSize()];
          DIRECT.forward(y[threads], 0, x, 0, w, 0, b, 0, g);
          dw[threads] = new float[g.weightSize()];
          db[threads] = new float[g.outChannels()];
          DIRECT.backwardWeights(dw[threads], 0, db[threads], 0, dy, 0, x, 0, g);
        }
        Parallel.setThreads(1);
        y[0] = new float[g.outputSize()];
        IM2COL.forward(y[0], 0, x, 0, w, 0, b, 0, g);
        dw[0] = new float[g.weightSize()];
        db[0] = new float[g.outChannels()];
        IM2COL.backwardWeights(dw[0], 0, db[0], 0, dy, 0, x, 0, g);
      } finally {
        Parallel.setThreads(before);
      }
      for (int threads = 1; threads <= 2; threads++) {
        String what = g + ", " + threads + " threads";
        FloatAsserts.assertSameBits("forward, " + what, y[0], y[threads]);
        FloatAsserts.assertSameBits("backwardWeights, " + what, dw[0], dw[threads]);
        FloatAsserts.assertSameBits("backwardWeights bias, " + what, db[0], db[threads]);
      }
    }
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextDouble(-1, 1);
    }
    return a;
  }
}
