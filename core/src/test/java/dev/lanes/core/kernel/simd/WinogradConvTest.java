package dev.lanes.core.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.ConvKernels;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Winograd's F(4x4, 3x3), F(2x2, 3x3) and F(3x3, 2x2) (through the SIMD provider, which picks
 * them for these geometries) against the reference loops, forward, input gradient and weight
 * gradient, on random geometries that they take:
 * 8-20 channels (output rows past a multiple of MR), sizes 1-17 with padding 0-2 (planes of one
 * or two rows or columns, which take F(2x2, 3x3); planes whose last tiles poke out), batches
 * of 1 to 2L + 3 whose tiles fill several groups.
 *
 * <p>Two checks. On small integers (x and dy in -3..3, w in multiples of 9 to ±27, bias in
 * -9..9) every value the algorithms form is a multiple of 1/64 (F(4x4, 3x3)'s transformed
 * weights, see {@code transformWeights6x6}) or of 1/4, and stays below 2²⁴ times that (the
 * products summed over 20 channels at most 2²³·1/64; the output transform's partial sums of
 * them could pass that only if the signs of every term lined up), so float arithmetic is exact
 * and the result must equal the reference exactly: a wrong index or sign anywhere shows. On
 * random reals, each result within a bound: (terms + 8)·2⁻²⁴ times the sum of |terms| (from the
 * reference on |x|, |w|), times 81. That is the most by which F(2x2, 3x3)'s transforms can
 * magnify magnitudes (absolute row sums of Bᵀ, G and Aᵀ: 2, 3/2 and 3, on both sides); F(4x4,
 * 3x3)'s could in theory magnify by 36,100 (10, 1 and 19), but on these inputs its errors stay
 * within the same bound (the random signs cancel).
 */
class WinogradConvTest {
  private static final ConvKernels SIMD = KernelProvider.simd().conv();
  private static final ConvKernels SCALAR = KernelProvider.scalar().conv();

  private static Conv2dGeometry geometry(Case c) {
    int ph = c.intIn("padH", 0, 2);
    int pw = c.intIn("padW", 0, 2);
    // batches of L or more fill whole blocks of L images (one strip each), a last block short
    // where the batch is not a multiple of L; smaller batches cut images into strips
    int lanes = FloatSpecies.L;
    int batch = c.size("batch", 1, 2 * lanes + 3, 1, 4, lanes, 2 * lanes, lanes + 3);
    return new Conv2dGeometry(batch, c.size("inChannels", 8, 20, 8, 13),
        c.size("height", Math.max(1, 3 - 2 * ph), 17), c.size("width", Math.max(1, 3 - 2 * pw),
            17), c.size("outChannels", 8, 20, 8, 12, 13), 3, 3, 1, 1, ph, pw, 1, 1);
  }

  private static float[] integers(Case c, String name, int n, int bound) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = c.random().nextInt(-bound, bound + 1);
    }
    return a;
  }

  @Test
  void exactOnSmallIntegers() {
    Property.named("Winograd conv is exact on small integers").tries(120).check(c -> {
      Conv2dGeometry g = geometry(c);
      c.note("geometry", g);
      assertTrue(WinogradConv.applies(g));
      float[] x = integers(c, "x", g.inputSize() + 2, 3);
      float[] w = ninefold(integers(c, "w", g.weightSize(), 3));
      float[] bias = c.bool("bias") ? integers(c, "b", g.outChannels(), 9) : null;
      float[] dy = integers(c, "dy", g.outputSize() + 1, 3);

      float[] yE = new float[g.outputSize()];
      float[] yA = c.floats("y garbage", g.outputSize(), -5, 5); // must be overwritten
      SCALAR.forward(yE, 0, x, 2, w, 0, bias, 0, g);
      SIMD.forward(yA, 0, x, 2, w, 0, bias, 0, g);
      assertArrayEquals(yE, yA, "forward");

      float[] dxE = new float[g.inputSize()];
      float[] dxA = c.floats("dx garbage", g.inputSize(), -5, 5);
      SCALAR.backwardData(dxE, 0, dy, 1, w, 0, g);
      SIMD.backwardData(dxA, 0, dy, 1, w, 0, g);
      assertArrayEquals(dxE, dxA, "backwardData");

      float[] dwE = integers(c, "dw start", g.weightSize(), 9);
      float[] dwA = dwE.clone();
      float[] dbE = integers(c, "db start", g.outChannels(), 9);
      float[] dbA = dbE.clone();
      SCALAR.backwardWeights(dwE, 0, dbE, 0, dy, 1, x, 2, g);
      SIMD.backwardWeights(dwA, 0, dbA, 0, dy, 1, x, 2, g);
      assertArrayEquals(dwE, dwA, "backwardWeights");
      assertArrayEquals(dbE, dbA, "backwardWeights bias");
    });
  }

  @Test
  void withinTheBoundOnRandomReals() {
    Property.named("Winograd conv within its bound").tries(60).check(c -> {
      Conv2dGeometry g = geometry(c);
      c.note("geometry", g);
      float[] x = c.floats("x", g.inputSize(), -1, 1);
      float[] w = c.floats("w", g.weightSize(), -1, 1);
      float[] bias = c.floats("b", g.outChannels(), -1, 1);
      float[] dy = c.floats("dy", g.outputSize(), -1, 1);

      float[] yE = new float[g.outputSize()];
      float[] yA = new float[g.outputSize()];
      float[] yMag = new float[g.outputSize()];
      SCALAR.forward(yE, 0, x, 0, w, 0, bias, 0, g);
      SIMD.forward(yA, 0, x, 0, w, 0, bias, 0, g);
      SCALAR.forward(yMag, 0, abs(x), 0, abs(w), 0, abs(bias), 0, g);
      assertWithinBound("forward", yE, yA, yMag, g.patchSize() + 1);

      float[] dxE = new float[g.inputSize()];
      float[] dxA = new float[g.inputSize()];
      float[] dxMag = new float[g.inputSize()];
      SCALAR.backwardData(dxE, 0, dy, 0, w, 0, g);
      SIMD.backwardData(dxA, 0, dy, 0, w, 0, g);
      SCALAR.backwardData(dxMag, 0, abs(dy), 0, abs(w), 0, g);
      assertWithinBound("backwardData", dxE, dxA, dxMag, g.outChannels() * 9);

      float[] start = c.floats("dw start", g.weightSize(), -1, 1);
      float[] dwE = start.clone();
      float[] dwA = start.clone();
      float[] dwMag = abs(start);
      float[] dbE = new float[g.outChannels()];
      float[] dbA = new float[g.outChannels()];
      float[] dbMag = new float[g.outChannels()];
      SCALAR.backwardWeights(dwE, 0, dbE, 0, dy, 0, x, 0, g);
      SIMD.backwardWeights(dwA, 0, dbA, 0, dy, 0, x, 0, g);
      SCALAR.backwardWeights(dwMag, 0, dbMag, 0, abs(dy), 0, abs(x), 0, g);
      int terms = g.batch() * g.outPlane() + 1;
      assertWithinBound("backwardWeights", dwE, dwA, dwMag, terms);
      assertWithinBound("backwardWeights bias", dbE, dbA, dbMag, terms);
    });
  }

  @Test
  void takesOnly3x3StrideOneWithEnoughChannels() {
    assertTrue(WinogradConv.applies(conv(32, 64, 3, 1, 1)));
    assertTrue(WinogradConv.applies(conv(8, 8, 3, 1, 2)));
    assertFalse(WinogradConv.applies(conv(7, 64, 3, 1, 1)), "7 channels in");
    assertFalse(WinogradConv.applies(conv(32, 7, 3, 1, 1)), "7 channels out");
    assertFalse(WinogradConv.applies(conv(32, 64, 5, 1, 2)), "5x5");
    assertFalse(WinogradConv.applies(conv(32, 64, 3, 2, 1)), "stride 2");
    assertFalse(WinogradConv.applies(conv(32, 64, 3, 1, 3)), "padding 3");
    assertFalse(WinogradConv.applies(
        new Conv2dGeometry(2, 32, 14, 14, 64, 3, 3, 1, 1, 2, 2, 2, 2)), "dilation 2");
  }

  private static Conv2dGeometry conv(int in, int out, int k, int stride, int pad) {
    return new Conv2dGeometry(2, in, 14, 14, out, k, k, stride, stride, pad, pad, 1, 1);
  }

  @Test
  void sameBitsForOneAndTwoThreads() {
    // LeNet's second layer on 5 images: 245 tiles, groups of 4·NR tiles, the last one short;
    // the weight gradient in 8 parts of 31 tiles, the last one 28
    Conv2dGeometry g = new Conv2dGeometry(5, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1);
    assertEquals(31, WinogradConv.partTiles(245, 16 * 64 * 32));
    sameBitsForOneAndTwoThreads(g);
    // on 40 images, F(4x4, 3x3) in 5 groups of L images: with 2 threads the last 2 in halves
    sameBitsForOneAndTwoThreads(g.withBatch(40));
    // 10 tiles over at most 8 parts: 5 parts of 2, none empty (an empty part's stale partial
    // sum was once added in)
    assertEquals(2, WinogradConv.partTiles(10, 16 * 8 * 8));
    sameBitsForOneAndTwoThreads(new Conv2dGeometry(1, 8, 4, 10, 8, 3, 3, 1, 1, 0, 1, 1, 1));
    // 512 channels in and out: W alone passes PARTIAL_FLOATS, so one part, whose 16 products
    // the threads share
    Conv2dGeometry lone = new Conv2dGeometry(2, 512, 3, 5, 512, 3, 3, 1, 1, 1, 1, 1, 1);
    assertEquals(12, WinogradConv.partTiles(12, 16 * 512 * 512));
    sameBitsForOneAndTwoThreads(lone);
  }

  /**
   * Rows of tiles longer than a group: groups then start and end inside a row of tiles, and
   * the padded rows a group copies begin and end inside an image. Exact on small integers, odd
   * width and height so that the last column and row of tiles poke out.
   */
  @Test
  void groupsThatStartAndEndInsideARowOfTiles() {
    int width = 4 * WinogradConv.GROUP_TILES + 2 * FloatSpecies.L + 5;
    for (int pad = 0; pad <= 2; pad++) {
      // 3 output rows: F(4x4, 3x3); 2 (pad 0 and 1): F(2x2, 3x3)
      for (int outH = 2; outH <= 3; outH++) {
        int height = outH + 2 - 2 * pad;
        if (height < 1) {
          continue;
        }
        Conv2dGeometry g =
            new Conv2dGeometry(2, 8, height, width, 9, 3, 3, 1, 1, pad, pad, 1, 1);
        int tile = WinogradConv.tile(g.outHeight(), g.outWidth());
        assertEquals(outH == 3 ? WinogradConv.LARGE_TILE : WinogradConv.SMALL_TILE, tile);
        int tilesW = (g.outWidth() + tile - 1) / tile;
        assertEquals(WinogradConv.GROUP_TILES / FloatSpecies.L,
            WinogradConv.groupVectors(tilesW, 8, 12, (tile + 2) * (tile + 2)),
            "rows too long for whole-row groups");
        assertForwardAndInputGradientExact(g, new SplittableRandom(13 + pad),
            "pad " + pad + ", tile " + tile);
      }
    }
  }

  /**
   * F(4x4, 3x3) wherever its 36 products per 4x4 tile come to fewer than F(2x2, 3x3)'s 16 per
   * 2x2 tile over the plane, counting the tiles' parts past its edges: not on planes of one or
   * two rows or columns, nor where they tie.
   */
  @Test
  void choosesTheTileWithFewerProducts() {
    assertEquals(WinogradConv.LARGE_TILE, WinogradConv.tile(14, 14), "LeNet's second layer");
    assertEquals(WinogradConv.LARGE_TILE, WinogradConv.tile(3, 3));
    assertEquals(WinogradConv.SMALL_TILE, WinogradConv.tile(5, 5), "144 each: a tie");
    assertEquals(WinogradConv.SMALL_TILE, WinogradConv.tile(6, 6), "144 each: a tie");
    assertEquals(WinogradConv.LARGE_TILE, WinogradConv.tile(7, 7));
    assertEquals(WinogradConv.LARGE_TILE, WinogradConv.tile(3, 100));
    assertEquals(WinogradConv.SMALL_TILE, WinogradConv.tile(2, 2));
    assertEquals(WinogradConv.SMALL_TILE, WinogradConv.tile(1, 1));
    assertEquals(WinogradConv.SMALL_TILE, WinogradConv.tile(2, 3), "36 against 32");
    assertEquals(WinogradConv.SMALL_TILE, WinogradConv.tile(100, 2));
    assertEquals(WinogradConv.SMALL_TILE, WinogradConv.tile(1, 100));
  }

  /**
   * Groups of whole rows of tiles: an even number of vectors (a multiple of NR tiles), about
   * four times GROUP_TILES / L, as long as V and M fit in ROW_GROUP_FLOATS.
   */
  @Test
  void groupsOfWholeRowsOfTiles() {
    int about = 4 * WinogradConv.GROUP_TILES / FloatSpecies.L;
    // LeNet's second layer, forward and input gradient: rows of 7 tiles, 14 vectors a pair
    assertEquals(14 * Math.max(1, about / 14), WinogradConv.groupVectors(7, 32, 66, 16));
    assertEquals(14 * Math.max(1, about / 14), WinogradConv.groupVectors(7, 64, 36, 16));
    assertEquals(4 * Math.max(1, about / 4), WinogradConv.groupVectors(4, 8, 12, 16));
    assertEquals(6 * Math.max(1, about / 6), WinogradConv.groupVectors(3, 8, 12, 16));
    // F(4x4, 3x3) on LeNet's second layer (rows of 4 tiles), forward and input gradient: 36
    // positions, so fewer rows than `about` where V and M would pass ROW_GROUP_FLOATS
    for (int[] k : new int[][] {{32, 66}, {64, 36}}) {
      int vectors = WinogradConv.groupVectors(4, k[0], k[1], 36);
      assertEquals(0, vectors % 4);
      assertTrue((long) 36 * (k[0] + k[1]) * vectors * FloatSpecies.L
          <= WinogradConv.ROW_GROUP_FLOATS);
      assertTrue(vectors == about / 4 * 4 || (long) 36 * (k[0] + k[1]) * (vectors + 4)
          * FloatSpecies.L > WinogradConv.ROW_GROUP_FLOATS, "the most rows that fit");
    }
    // too many channels for whole rows: the fixed groups
    assertEquals(WinogradConv.GROUP_TILES / FloatSpecies.L,
        WinogradConv.groupVectors(7, 512, 516, 16));
    for (int tilesW = 1; tilesW <= 40; tilesW++) {
      int vectors = WinogradConv.groupVectors(tilesW, 16, 18, 16);
      assertEquals(0, vectors * FloatSpecies.L % SimdGemm.NR, "tilesW " + tilesW);
      assertTrue(vectors % tilesW == 0 || vectors == WinogradConv.GROUP_TILES / FloatSpecies.L,
          "tilesW " + tilesW);
      assertTrue((long) 16 * (16 + 18) * vectors * FloatSpecies.L
          <= Math.max(WinogradConv.ROW_GROUP_FLOATS, 16 * 34 * WinogradConv.GROUP_TILES));
    }
  }

  /**
   * The chunks the threads take cover the pass's vectors in order, none empty or longer than
   * a group; with 2 or 3 threads and enough groups, the last groups go in halves of whole NR
   * panels (the last chunk may be shorter).
   */
  @Test
  void chunksAreGroupsWithTheLastOnesHalved() {
    int[] at = new int[64];
    // LeNet's second layer, F(4x4, 3x3), 64 images: 8 groups of 16 vectors
    assertEquals(8, WinogradConv.chunks(128, 16, 1, at));
    assertEquals(10, WinogradConv.chunks(128, 16, 2, at));
    assertArrayEquals(new int[] {0, 16, 32, 48, 64, 80, 96, 104, 112, 120, 128},
        Arrays.copyOf(at, 11));
    assertEquals(3, WinogradConv.chunks(48, 16, 2, at), "too few groups to halve");
    for (int groupVectors : new int[] {2, 4, 6, 14, 16, 28}) {
      for (int vectors = 1; vectors <= 120; vectors++) {
        for (int threads = 1; threads <= 3; threads++) {
          int chunks = WinogradConv.chunks(vectors, groupVectors, threads, at);
          int groups = (vectors + groupVectors - 1) / groupVectors;
          String where = vectors + " vectors, groups of " + groupVectors + ", " + threads
              + " threads";
          assertEquals(0, at[0], where);
          assertEquals(vectors, at[chunks], where);
          assertTrue(chunks >= groups && chunks <= groups + threads, where);
          for (int c = 0; c < chunks; c++) {
            int size = at[c + 1] - at[c];
            assertTrue(size > 0 && size <= groupVectors, where + ", chunk " + c);
            assertTrue(at[c + 1] == vectors || size % 2 == 0, where + ", chunk " + c);
          }
          if (threads == 1 || groups < 2 * threads) {
            assertEquals(groups, chunks, where);
          }
        }
      }
    }
  }

  /** Forward and input gradient against the reference on small integers: equal exactly. */
  private static void assertForwardAndInputGradientExact(Conv2dGeometry g, SplittableRandom r,
      String what) {
    float[] x = integers(r, g.inputSize());
    float[] w = ninefold(integers(r, g.weightSize()));
    float[] bias = integers(r, g.outChannels());
    float[] dy = integers(r, g.outputSize());
    float[] yE = new float[g.outputSize()];
    float[] yA = new float[g.outputSize()];
    SCALAR.forward(yE, 0, x, 0, w, 0, bias, 0, g);
    SIMD.forward(yA, 0, x, 0, w, 0, bias, 0, g);
    assertArrayEquals(yE, yA, "forward, " + what);
    float[] dxE = new float[g.inputSize()];
    float[] dxA = new float[g.inputSize()];
    SCALAR.backwardData(dxE, 0, dy, 0, w, 0, g);
    SIMD.backwardData(dxA, 0, dy, 0, w, 0, g);
    assertArrayEquals(dxE, dxA, "backwardData, " + what);
  }

  /**
   * The forward's orders of tiles, over batches of 1 to 2L + 3 images and 1 to 9 rows of
   * tiles, of both sizes: whole images in blocks of L (the last block short), and images cut
   * into strips, a short last strip, an image's strips running from one block into the next.
   * Exact on small integers, forward and input gradient; the last column of tiles pokes out
   * of the plane (one column for F(2x2, 3x3), whose planes are that narrow, three of F(4x4,
   * 3x3)'s four), and with an odd number of rows of tiles the last row too.
   */
  @Test
  void everyOrderOfTilesIsExact() {
    int lanes = FloatSpecies.L;
    SplittableRandom r = new SplittableRandom(29);
    for (int tile : new int[] {WinogradConv.SMALL_TILE, WinogradConv.LARGE_TILE}) {
      boolean wholeImagesShortBlock = false;
      boolean shortStrip = false;
      boolean stripsAcrossBlocks = false;
      for (int batch = 1; batch <= 2 * lanes + 3; batch++) {
        for (int tilesH = 1; tilesH <= 9; tilesH++) {
          int strips = WinogradConv.strips(batch, tilesH);
          int stripRows = (tilesH + strips - 1) / strips;
          wholeImagesShortBlock |= strips == 1 && batch > lanes && batch % lanes != 0;
          shortStrip |= strips > 1 && tilesH % stripRows != 0;
          stripsAcrossBlocks |= strips > 1 && lanes % strips != 0 && batch * strips > lanes;
          // pad 1: the output is as large as the input
          int height = tile * tilesH - (tilesH % 2);
          int width = tile == WinogradConv.SMALL_TILE ? 1 : 5;
          Conv2dGeometry g =
              new Conv2dGeometry(batch, 8, height, width, 9, 3, 3, 1, 1, 1, 1, 1, 1);
          String what = "tile " + tile + ", " + batch + " images, " + tilesH
              + " rows of tiles, " + strips + " strips";
          assertEquals(tile, WinogradConv.tile(height, width), what);
          assertForwardAndInputGradientExact(g, r, what);
        }
      }
      assertTrue(wholeImagesShortBlock, "whole images with a short last block, tile " + tile);
      assertTrue(shortStrip, "a short last strip, tile " + tile);
      assertTrue(stripsAcrossBlocks, "an image's strips across two blocks, tile " + tile);
    }
  }

  /** Strips per image: whole images for a full batch, a strip per lane for a single image. */
  @Test
  void stripsFillTheLanes() {
    int lanes = FloatSpecies.L;
    assertEquals(1, WinogradConv.strips(8 * lanes, 7), "LeNet's batch");
    assertEquals(1, WinogradConv.strips(lanes, 7));
    // one image of 7 rows of tiles: 7 strips of one row (8 lanes), 4 of two rows (4 lanes)
    assertEquals(Math.min(lanes, 7), WinogradConv.strips(1, 7));
    assertEquals(lanes, WinogradConv.strips(1, 100 * lanes));
  }

  /** Weights in multiples of 9, which F(4x4, 3x3) transforms into multiples of 1/64. */
  private static float[] ninefold(float[] w) {
    for (int i = 0; i < w.length; i++) {
      w[i] *= 9;
    }
    return w;
  }

  private static float[] integers(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextInt(-3, 4);
    }
    return a;
  }

  /** A lone part's products shared by two threads: still exact on small integers. */
  @Test
  void lonePartIsExactWithTwoThreads() {
    Conv2dGeometry g = new Conv2dGeometry(2, 512, 3, 5, 512, 3, 3, 1, 1, 1, 1, 1, 1);
    SplittableRandom r = new SplittableRandom(11);
    float[] x = integers(r, g.inputSize());
    float[] dy = integers(r, g.outputSize());
    float[] expected = new float[g.weightSize()];
    SCALAR.backwardWeights(expected, 0, null, 0, dy, 0, x, 0, g);
    int before = Parallel.threads();
    try {
      Parallel.setThreads(2);
      float[] actual = new float[g.weightSize()];
      SIMD.backwardWeights(actual, 0, null, 0, dy, 0, x, 0, g);
      assertArrayEquals(expected, actual);
    } finally {
      Parallel.setThreads(before);
    }
  }

  /**
   * With 250 channels in and out (an edge panel on both sides of every product) the weight
   * gradient has 4 parts and chunks of 258 tiles: 5 images of 32 x 32 outputs (1,280 tiles) are
   * parts of 320 tiles, each two chunks (258 + 62) whose products add up; image by image, 4
   * parts of 64 tiles. On small integers all are exact, so they must agree bit for bit, with 1
   * thread and with 2.
   */
  @Test
  void chunksAndPartsAddUpExactly() {
    Conv2dGeometry g = new Conv2dGeometry(5, 250, 32, 32, 250, 3, 3, 1, 1, 1, 1, 1, 1);
    assertEquals(320, WinogradConv.partTiles(5 * 256, 16 * 250 * 250));
    assertEquals(64, WinogradConv.partTiles(256, 16 * 250 * 250));
    assertEquals(258, WinogradConv.chunkTiles(250, 250));
    SplittableRandom r = new SplittableRandom(9);
    float[] x = integers(r, g.inputSize());
    float[] dy = integers(r, g.outputSize());
    int before = Parallel.threads();
    try {
      for (int threads = 1; threads <= 2; threads++) {
        Parallel.setThreads(threads);
        float[] whole = new float[g.weightSize()];
        SIMD.backwardWeights(whole, 0, null, 0, dy, 0, x, 0, g);
        float[] byImage = new float[g.weightSize()];
        Conv2dGeometry one = g.withBatch(1);
        for (int n = 0; n < g.batch(); n++) {
          SIMD.backwardWeights(byImage, 0, null, 0, dy, n * one.outputSize(), x,
              n * one.inputSize(), one);
        }
        assertArrayEquals(byImage, whole, threads + " threads");
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  private static void sameBitsForOneAndTwoThreads(Conv2dGeometry g) {
    SplittableRandom r = new SplittableRandom(7);
    float[] x = random(r, g.inputSize());
    float[] w = random(r, g.weightSize());
    float[] b = random(r, g.outChannels());
    float[] dy = random(r, g.outputSize());
    int before = Parallel.threads();
    float[][] y = new float[3][];
    float[][] dx = new float[3][];
    float[][] dw = new float[3][];
    float[][] db = new float[3][];
    try {
      for (int threads = 1; threads <= 2; threads++) {
        Parallel.setThreads(threads);
        y[threads] = new float[g.outputSize()];
        SIMD.forward(y[threads], 0, x, 0, w, 0, b, 0, g);
        dx[threads] = new float[g.inputSize()];
        SIMD.backwardData(dx[threads], 0, dy, 0, w, 0, g);
        dw[threads] = new float[g.weightSize()];
        db[threads] = new float[g.outChannels()];
        SIMD.backwardWeights(dw[threads], 0, db[threads], 0, dy, 0, x, 0, g);
        // both passes in one job (the weight gradient's parts beside the input gradient's
        // groups): the same bits as the two passes
        float[] dxBoth = new float[g.inputSize()];
        float[] dwBoth = new float[g.weightSize()];
        float[] dbBoth = new float[g.outChannels()];
        SIMD.backward(dxBoth, 0, dwBoth, 0, dbBoth, 0, dy, 0, x, 0, w, 0, g);
        assertArrayEquals(dx[threads], dxBoth, "backward's dx, " + threads + " threads");
        assertArrayEquals(dw[threads], dwBoth, "backward's dw, " + threads + " threads");
        assertArrayEquals(db[threads], dbBoth, "backward's db, " + threads + " threads");
        float[] dwNoBias = new float[g.weightSize()];
        SIMD.backward(dxBoth, 0, dwNoBias, 0, null, 0, dy, 0, x, 0, w, 0, g);
        assertArrayEquals(dw[threads], dwNoBias, "backward without a bias, " + threads
            + " threads");
      }
    } finally {
      Parallel.setThreads(before);
    }
    assertArrayEquals(y[1], y[2], "forward, 1 vs 2 threads");
    assertArrayEquals(dx[1], dx[2], "backwardData, 1 vs 2 threads");
    assertArrayEquals(dw[1], dw[2], "backwardWeights, 1 vs 2 threads");
    assertArrayEquals(db[1], db[2], "backwardWeights bias, 1 vs 2 threads");
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextDouble(-1, 1);
    }
    return a;
  }

  private static float[] abs(float[] a) {
    return FloatAsserts.absolute(a);
  }

  /** Each element within (terms + 8)·2⁻²⁴·81·magnitude[i] (+ a floor for exact zeros). */
  private static void assertWithinBound(String what, float[] expected, float[] actual,
      float[] magnitude, int terms) {
    FloatAsserts.assertWithinRoundingBound(what, expected, actual, magnitude, (terms + 8) * 81);
  }
}
