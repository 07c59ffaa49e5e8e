package dev.lanes.core.kernel;

import static dev.lanes.core.kernel.KernelPair.EPS;
import static dev.lanes.core.kernel.KernelPair.SCALAR;
import static dev.lanes.core.kernel.KernelPair.SIMD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import org.junit.jupiter.api.Test;

/**
 * im2col + SIMD GEMM against the direct seven-loop convolution, for all three passes, on random
 * geometries (batch 1..12, channels 1..9, sizes 1..17, kernels 1..5, strides 1..3, padding 0..2,
 * dilation 1..2, kernels larger than the unpadded input included).
 *
 * <p>Tolerance: each result is a sum of T products; any float summation order is within
 * T·2⁻²⁴·Σ|terms| of the exact sum (the reference sums in double). Σ|terms| is computed exactly
 * by running the reference on |x|, |w| and |dy|, so each element gets its own bound.
 */
class ConvPropertyTest {
  private static Conv2dGeometry geometry(Case c) {
    int kh = c.intIn("kernelH", 1, 5);
    int kw = c.intIn("kernelW", 1, 5);
    int dh = c.intIn("dilationH", 1, 2);
    int dw = c.intIn("dilationW", 1, 2);
    int ph = c.intIn("padH", 0, 2);
    int pw = c.intIn("padW", 0, 2);
    int minH = Math.max(1, dh * (kh - 1) + 1 - 2 * ph);
    int minW = Math.max(1, dw * (kw - 1) + 1 - 2 * pw);
    // batches past 8 put several images in a part of the weight gradient
    return new Conv2dGeometry(c.size("batch", 1, 12, 1, 9, 12), c.size("inChannels", 1, 9),
        c.size("height", minH, 17), c.size("width", minW, 17), c.size("outChannels", 1, 9),
        kh, kw, c.intIn("strideH", 1, 3), c.intIn("strideW", 1, 3), ph, pw, dh, dw);
  }

  private static float[] abs(float[] a) {
    return FloatAsserts.absolute(a);
  }

  /** Each element within (terms + 2)·2⁻²⁴·magnitude[i] (+ a floor for exact zeros). */
  private static void assertWithinBound(String what, float[] expected, float[] actual,
      float[] magnitude, int terms) {
    FloatAsserts.assertWithinRoundingBound(what, expected, actual, magnitude, terms + 2);
  }

  @Test
  void im2colConvolutionMatchesTheDirectLoops() {
    Property.named("im2col conv matches direct conv").tries(120).check(c -> {
      Conv2dGeometry g = c.bool("pointwise")
          ? new Conv2dGeometry(c.size("batch", 1, 4), c.size("inChannels", 1, 9),
              c.size("height", 1, 17), c.size("width", 1, 17), c.size("outChannels", 1, 9),
              1, 1, 1, 1, 0, 0, 1, 1)
          : geometry(c);
      c.note("geometry", g);
      float[] x = c.floats("x", g.inputSize() + 2, -1, 1);
      float[] w = c.floats("w", g.weightSize(), -1, 1);
      float[] bias = c.floats("bias", g.outChannels(), -1, 1);
      float[] dy = c.floats("dy", g.outputSize(), -1, 1);

      float[] yE = new float[g.outputSize()];
      float[] yA = new float[g.outputSize()];
      float[] yMag = new float[g.outputSize()];
      SCALAR.conv().forward(yE, 0, x, 2, w, 0, bias, 0, g);
      SIMD.conv().forward(yA, 0, x, 2, w, 0, bias, 0, g);
      SCALAR.conv().forward(yMag, 0, abs(x), 2, abs(w), 0, abs(bias), 0, g);
      assertWithinBound("forward", yE, yA, yMag, g.patchSize() + 1);

      float[] dxE = new float[g.inputSize()];
      float[] dxA = c.floats("dx garbage", g.inputSize(), -5, 5); // must be overwritten
      float[] dxMag = new float[g.inputSize()];
      SCALAR.conv().backwardData(dxE, 0, dy, 0, w, 0, g);
      SIMD.conv().backwardData(dxA, 0, dy, 0, w, 0, g);
      SCALAR.conv().backwardData(dxMag, 0, abs(dy), 0, abs(w), 0, g);
      assertWithinBound("backwardData", dxE, dxA, dxMag, g.outChannels() * g.kernelH() * g.kernelW());

      float[] start = c.floats("dw start", g.weightSize(), -1, 1);
      float[] dwE = start.clone();
      float[] dwA = start.clone();
      float[] dbE = new float[g.outChannels()];
      float[] dbA = new float[g.outChannels()];
      float[] dwMag = abs(start);
      float[] dbMag = new float[g.outChannels()];
      SCALAR.conv().backwardWeights(dwE, 0, dbE, 0, dy, 0, x, 2, g);
      SIMD.conv().backwardWeights(dwA, 0, dbA, 0, dy, 0, x, 2, g);
      SCALAR.conv().backwardWeights(dwMag, 0, dbMag, 0, abs(dy), 0, abs(x), 2, g);
      int terms = g.batch() * g.outPlane() + 1;
      assertWithinBound("backwardWeights", dwE, dwA, dwMag, terms);
      assertWithinBound("backwardWeights bias", dbE, dbA, dbMag, terms);
    });
  }

  @Test
  void col2imIsTheAdjointOfIm2col() {
    Property.named("<im2col(x), y> = <x, col2im(y)>").tries(150).check(c -> {
      Conv2dGeometry g = geometry(c).withBatch(1);
      c.note("geometry", g);
      float[] x = c.floats("x", g.imageSize(), -1, 1);
      float[] y = c.floats("y", g.patchSize() * g.outPlane(), -1, 1);
      float[] col = c.floats("col garbage", y.length, -9, 9); // must be overwritten
      Conv.im2col(col, 0, x, 0, g);
      float[] back = new float[g.imageSize()];
      Conv.col2im(back, 0, y, 0, g);
      double left = 0;
      double right = 0;
      double scale = 0;
      for (int i = 0; i < y.length; i++) {
        left += (double) col[i] * y[i];
        scale += Math.abs((double) col[i] * y[i]);
      }
      for (int i = 0; i < x.length; i++) {
        right += (double) x[i] * back[i];
      }
      // col2im sums up to kh·kw values into one float per pixel
      assertEquals(left, right, (g.kernelH() * g.kernelW() + 2) * EPS * (scale + 1));
    });
  }

  @Test
  void resultsRepeatBitForBitAndAgreeAcrossThreadCounts() {
    // 16x16 outputs go 4 images to a tile (TILE_COLUMNS 1024): 7 images are a tile of 4 and
    // one of 3, so the short last tile is covered too
    Conv2dGeometry g = new Conv2dGeometry(7, 3, 16, 16, 4, 3, 3, 1, 1, 1, 1, 1, 1);
    assertEquals(4, Im2colConv.tileImages(g));
    resultsRepeatBitForBitAndAgreeAcrossThreadCounts(g);
    // backwardWeights' parts of the batch: 11 images go 2 to a part, the last part short
    Conv2dGeometry parts = new Conv2dGeometry(11, 5, 9, 9, 12, 3, 3, 1, 1, 1, 1, 1, 1);
    assertEquals(2, Im2colConv.imagesPerPart(parts));
    assertEquals(6, Im2colConv.weightParts(parts));
    resultsRepeatBitForBitAndAgreeAcrossThreadCounts(parts);
    // weights too large for more than one partial sum: one part, whose products split
    Conv2dGeometry large = new Conv2dGeometry(2, 256, 4, 4, 2048, 3, 3, 1, 1, 1, 1, 1, 1);
    assertEquals(1, Im2colConv.weightParts(large));
    // one image is one part too: its product (64 x 288 x 144) splits its own columns
    resultsRepeatBitForBitAndAgreeAcrossThreadCounts(
        new Conv2dGeometry(1, 32, 12, 12, 64, 3, 3, 1, 1, 1, 1, 1, 1));
    // an empty batch has no parts and leaves dw and db as they were
    Conv2dGeometry empty = parts.withBatch(0);
    assertEquals(0, Im2colConv.weightParts(empty));
    float[] dw = new float[empty.weightSize()];
    float[] db = new float[empty.outChannels()];
    java.util.Arrays.fill(dw, 0.5f);
    java.util.Arrays.fill(db, -2f);
    SIMD.conv().backwardWeights(dw, 0, db, 0, new float[0], 0, new float[0], 0, empty);
    for (float v : dw) {
      assertEquals(0.5f, v);
    }
    for (float v : db) {
      assertEquals(-2f, v);
    }
    // one input channel (a first layer), then a 1x1
    resultsRepeatBitForBitAndAgreeAcrossThreadCounts(
        new Conv2dGeometry(3, 1, 12, 12, 35, 3, 3, 1, 1, 1, 1, 1, 1));
    resultsRepeatBitForBitAndAgreeAcrossThreadCounts(
        new Conv2dGeometry(3, 20, 8, 8, 40, 1, 1, 1, 1, 0, 0, 1, 1));
  }

  private static void resultsRepeatBitForBitAndAgreeAcrossThreadCounts(Conv2dGeometry g) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    float[] x = new float[g.inputSize()];
    float[] w = new float[g.weightSize()];
    float[] dy = new float[g.outputSize()];
    for (float[] a : new float[][] {x, w, dy}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) r.nextDouble(-1, 1);
      }
    }
    int before = Parallel.threads();
    try {
      float[][] dwBy = new float[3][];
      float[][] dbBy = new float[3][];
      float[][] yBy = new float[3][];
      float[][] dxBy = new float[3][];
      for (int threads = 1; threads <= 2; threads++) {
        Parallel.setThreads(threads);
        float[] first = new float[g.weightSize()];
        float[] second = new float[g.weightSize()];
        float[] dbFirst = new float[g.outChannels()];
        float[] dbSecond = new float[g.outChannels()];
        SIMD.conv().backwardWeights(first, 0, dbFirst, 0, dy, 0, x, 0, g);
        SIMD.conv().backwardWeights(second, 0, dbSecond, 0, dy, 0, x, 0, g);
        assertArrayEquals(first, second, "repeatable with " + threads + " threads");
        assertArrayEquals(dbFirst, dbSecond, "db repeatable with " + threads + " threads");
        dwBy[threads] = first;
        dbBy[threads] = dbFirst;
        float[] y1 = new float[g.outputSize()];
        SIMD.conv().forward(y1, 0, x, 0, w, 0, null, 0, g);
        float[] y2 = new float[g.outputSize()];
        SIMD.conv().forward(y2, 0, x, 0, w, 0, null, 0, g);
        assertArrayEquals(y1, y2);
        yBy[threads] = y1;
        float[] dx = new float[g.inputSize()];
        SIMD.conv().backwardData(dx, 0, dy, 0, w, 0, g);
        dxBy[threads] = dx;
        // both passes in one call: the same bits as the two calls
        float[] dxBoth = new float[g.inputSize()];
        float[] dwBoth = new float[g.weightSize()];
        float[] dbBoth = new float[g.outChannels()];
        SIMD.conv().backward(dxBoth, 0, dwBoth, 0, dbBoth, 0, dy, 0, x, 0, w, 0, g);
        assertArrayEquals(dx, dxBoth, "backward's dx with " + threads + " threads");
        assertArrayEquals(first, dwBoth, "backward's dw with " + threads + " threads");
        assertArrayEquals(dbFirst, dbBoth, "backward's db with " + threads + " threads");
      }
      // the tiles and the order of every sum depend on the geometry only
      assertArrayEquals(dwBy[1], dwBy[2], "dw, 1 vs 2 threads");
      assertArrayEquals(dbBy[1], dbBy[2], "db, 1 vs 2 threads");
      assertArrayEquals(yBy[1], yBy[2], "y, 1 vs 2 threads");
      assertArrayEquals(dxBy[1], dxBy[2], "dx, 1 vs 2 threads");
    } finally {
      Parallel.setThreads(before);
    }
  }
}
