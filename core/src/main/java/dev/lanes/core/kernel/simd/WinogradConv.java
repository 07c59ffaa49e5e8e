package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;
import static dev.lanes.core.kernel.simd.SimdGemm.MR;
import static dev.lanes.core.kernel.simd.SimdGemm.NR;

import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.ConvKernels;
import dev.lanes.core.kernel.ElementwiseKernels;
import dev.lanes.core.kernel.ReductionKernels;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * 3x3 convolution with stride 1 by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray,
 * "Fast Algorithms for Convolutional Neural Networks", 2016), all three passes. Each
 * 2x2 block of outputs is {@code Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A} from the 4x4 input patch d
 * that covers it, with
 * <pre>
 *   Bᵀ = | 1  0 -1  0 |    G = | 1    0    0   |    Aᵀ = | 1  1  1  0 |
 *        | 0  1  1  0 |        | 1/2  1/2  1/2 |         | 0  1 -1 -1 |
 *        | 0 -1  1  0 |        | 1/2 -1/2  1/2 |
 *        | 0  1  0 -1 |        | 0    0    1   |
 * </pre>
 * Summed over the input channels, the 16 elementwise products are 16 matrix products, one per
 * position ξ of the 4x4 transformed tile: {@code M[ξ] (out, T) = U[ξ] (out, C) · V[ξ] (C, T)}
 * over T tiles: 16 multiplies per 2x2 outputs where the direct sum (and im2col) does 36.
 *
 * <p>Where the plane is large enough ({@link #tile}), the forward and input gradient take
 * F(4x4, 3x3) instead, the same algorithm with 4x4 blocks of outputs from 6x6 patches (the
 * matrices of Lavin and Gray, interpolation points 0, ±1, ±2, ∞; see {@link
 * #transformWeights6x6}, {@link #transformPatches6x6}, {@link #productColumns6x6}): 36 multiplies
 * per 4x4 outputs, where F(2x2, 3x3) does 64. On LeNet's second layer (14 x 14 outputs, four
 * tiles to a row, the last one half outside the plane) that is 576 products per plane against
 * 784: the forward ran 1.06-1.12x and the input gradient 1.11-1.21x as fast as with F(2x2,
 * 3x3), in probe loops alternating the two (1 thread, bias included). Its output transform
 * runs a column of the tiles at a time, then a row ({@link #productColumns6x6} says why).
 *
 * <p>The products run sgemm's micro-kernel on operands that the transforms write already
 * packed (U in MR-tall panels once per call, V in NR-wide panels of tiles), so there is no
 * packing pass and no per-product overhead: through {@code Gemm.sgemm} each of these small
 * products (64 x 256 x 32 for LeNet's second layer) cost as much in set-up and repacking as
 * the transforms saved, and the whole ran no faster than im2col (probe loops, not JMH).
 *
 * <p>The input gradient is the same computation: dx is dy convolved with the weights turned by
 * 180 degrees with in and out channels swapped, dy padded by {@code 2 - pad} (so padding up to
 * 2 applies). The weight gradient is F(3x3, 2x2), see {@link #backwardWeights}. Geometries not
 * taken here (see {@link #applies}) go to the fallback.
 *
 * <p>Accuracy: F(2x2, 3x3)'s transforms add, subtract and halve, F(4x4, 3x3)'s also multiply
 * by 2, 4, 5 and 8 (and its transformed weights are rounded once from exact sums), so a result
 * carries a few roundings more than the direct sum, F(4x4, 3x3)'s more than F(2x2, 3x3)'s;
 * {@code WinogradConvTest} checks exact results on small integers and a bound on random reals
 * against the reference, for both.
 *
 * <p>Forward and input gradient transform L tiles at a time in vectors whose lanes hold the
 * same tile of L images, so that a tile's values load as plain vectors: per channel the
 * images' padded planes are first interleaved, value (r, s) of L images side by side. (Lanes
 * holding L tiles along a row of one image need a gather per value, and with 7 tiles to a row
 * of LeNet's second layer a vector's tiles run across rows; the gathers took 13% of a CNN
 * training step in a JFR profile.) Where whole images would leave lanes empty (a batch of
 * fewer images than lanes) each image is cut into horizontal strips of tile rows, one strip per
 * lane (see {@link #strips(int, int)}). The tiles, in that order, go in groups of whole rows
 * of tiles, or of {@link #GROUP_TILES} where rows are long ({@link #groupVectors(int, int,
 * int, int)}), fixed by the geometry; per thread one group's packed V (ξ·C·T floats, ξ = 16 or
 * 36 positions), products M (ξ·out·T, out rounded up to MR) and interleaved planes live in
 * buffers that grow once (at most about 2 MiB). Whole groups go to whichever thread is free;
 * every output comes from the same operations for any thread count (and whatever the order of
 * the tiles, since each product column is one tile's).
 */
final class WinogradConv implements ConvKernels {
  /**
   * Tiles per group where whole rows of tiles do not fit {@link #ROW_GROUP_FLOATS}: a multiple
   * of NR, small enough that V and M stay in the L2.
   */
  static final int GROUP_TILES = 4 * NR;
  /** Vectors of L tiles per such group. */
  private static final int GROUP_VECTORS = GROUP_TILES / L;
  /** About the vectors of a group made of whole rows of tiles (see {@link #groupVectors}). */
  private static final int ROW_GROUP_VECTORS = 4 * GROUP_VECTORS;
  /** The most floats of V and M together in a group of whole rows of tiles (2 MiB). */
  static final int ROW_GROUP_FLOATS = 1 << 19;
  /** The fewest channels in and out for which the transforms pay off. */
  static final int MIN_CHANNELS = 8;
  /** Floats in a cache line. */
  private static final int CACHE_LINE = 16;
  /** Positions of a transformed tile of F(2x2, 3x3), and of the weight gradient's F(3x3, 2x2). */
  private static final int XI = 16;
  /** A tile's columns and rows of outputs inside the plane, packed as columns + rows · this. */
  private static final int INSIDE_ROWS = 8;
  /** Output tiles of F(2x2, 3x3) and of F(4x4, 3x3). */
  static final int SMALL_TILE = 2;
  static final int LARGE_TILE = 4;
  /**
   * 1 / 24²: from (24 G) g (24 G)ᵀ back to F(4x4, 3x3)'s G g Gᵀ (24, the least common
   * denominator of G's entries, see {@link #transformWeights6x6}).
   */
  private static final double INVERSE_576 = 1.0 / 576;
  /** Where 8 neighbouring outputs' vectors start in a row of the output stage, for Transpose8. */
  private static final int[] STAGE_COLUMNS = {0, L, 2 * L, 3 * L, 4 * L, 5 * L, 6 * L, 7 * L};
  /** The weight gradient's most parts, and the most floats their partial sums may take. */
  static final int MAX_PARTS = 8;
  static final int PARTIAL_FLOATS = 1 << 22;
  /** The most floats of transformed x and dy a thread holds at a time (8 MiB). */
  static final int CHUNK_FLOATS = 1 << 21;

  private final ConvKernels fallback;
  private final ElementwiseKernels elementwise;
  private final ReductionKernels reductions;
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);
  private final ThreadLocal<Pass> passes = ThreadLocal.withInitial(() -> new Pass(this));
  /** The weight gradient's pass, apart so that {@link #backward} can run it beside another. */
  private final ThreadLocal<Pass> gradientPasses =
      ThreadLocal.withInitial(() -> new Pass(this));
  private final ThreadLocal<Both> backwards = ThreadLocal.withInitial(Both::new);

  WinogradConv(ConvKernels fallback, ElementwiseKernels elementwise,
      ReductionKernels reductions) {
    this.fallback = fallback;
    this.elementwise = elementwise;
    this.reductions = reductions;
  }

  /** Whether this geometry's three passes run here rather than in the fallback. */
  static boolean applies(Conv2dGeometry g) {
    return g.kernelH() == 3 && g.kernelW() == 3 && g.strideH() == 1 && g.strideW() == 1
        && g.dilationH() == 1 && g.dilationW() == 1 && g.padH() <= 2 && g.padW() <= 2
        && g.inChannels() >= MIN_CHANNELS && g.outChannels() >= MIN_CHANNELS;
  }

  /** Not its own geometries, whose tiles run in vectors across the images; else the fallback's. */
  @Override
  public boolean imageByImage(Conv2dGeometry g) {
    return !applies(g) && fallback.imageByImage(g);
  }

  @Override
  public void forward(float[] y, int yOff, float[] x, int xOff, float[] w, int wOff,
      float[] bias, int biasOff, Conv2dGeometry g) {
    if (!applies(g)) {
      fallback.forward(y, yOff, x, xOff, w, wOff, bias, biasOff, g);
      return;
    }
    Pass p = passes.get().set(g, tile(g.outHeight(), g.outWidth()));
    p.bias = bias;
    p.biasOff = biasOff;
    convolve(p, x, xOff, y, yOff, w, wOff, false);
  }

  @Override
  public void backwardData(float[] dx, int dxOff, float[] dy, int dyOff, float[] w, int wOff,
      Conv2dGeometry g) {
    if (!applies(g)) {
      fallback.backwardData(dx, dxOff, dy, dyOff, w, wOff, g);
      return;
    }
    convolve(inputGradientPass(passes.get(), g), dy, dyOff, dx, dxOff, w, wOff, true);
  }

  /**
   * p set for g's input gradient: dy (N, out, outH, outW) convolved with w turned and
   * transposed (C, out, 3, 3), padded by 2 - pad, is dx (N, C, H, W).
   */
  private static Pass inputGradientPass(Pass p, Conv2dGeometry g) {
    return p.set(g.batch(), g.outChannels(), g.outHeight(), g.outWidth(), g.inChannels(),
        g.height(), g.width(), 2 - g.padH(), 2 - g.padW(), tile(g.height(), g.width()));
  }

  /** Transforms the weights (turned: for the input gradient), then runs the pass's groups. */
  private void convolve(Pass p, float[] in, int inOff, float[] out, int outOff, float[] w,
      int wOff, boolean turned) {
    prepare(p, in, inOff, out, outOff, w, wOff, turned);
    run(p);
  }

  /** Transforms the weights (turned: for the input gradient) and sets the pass's arrays. */
  private void prepare(Pass p, float[] in, int inOff, float[] out, int outOff, float[] w,
      int wOff, boolean turned) {
    Buffers own = buffers.get();
    p.u = own.weights = grow(own.weights, p.xi * p.outRows * p.inC);
    if (p.tile == LARGE_TILE) {
      // panels of MR outputs split between the pool's threads: serial, this took about 1.3%
      // of the calling thread's samples in a JFR profile of two-thread CNN steps, the other
      // thread idle
      p.weightsIn = w;
      p.weightsOff = wOff;
      p.turned = turned;
      int panels = p.outRows / MR;
      Parallel.parallelForDynamic(panels, Parallel.balancedChunk(panels, 1), p.weightPanels);
    } else {
      transformWeights(p, w, wOff, turned);
    }
    p.in = in;
    p.inOff = inOff;
    p.out = out;
    p.outOff = outOff;
  }

  /**
   * The weight gradient by F(3x3, 2x2), the same transforms in other roles: each tile adds to
   * dw[o][c] the correlation of its 4x4 input patch d with its 2x2 block g of dy, {@code
   * A'ᵀ [(G' g G'ᵀ) ⊙ (Bᵀ d B)] A'} with Bᵀ as above and
   * <pre>
   *   G' = | 1    0   |    A'ᵀ = | 1  1  1  0 |
   *        | 1/2  1/2 |          | 0  1 -1  0 |
   *        | 1/2 -1/2 |          | 0  1  1 -1 |
   *        | 0    1   |
   * </pre>
   * Summed over the tiles first, that is 16 products {@code W[ξ] (out, C) = DY[ξ] (out, T) ·
   * X[ξ]ᵀ (T, C)} with k = T, the transforms again writing the micro-kernel's packed panels
   * (through {@code Gemm.sgemm}, packing took 19% of the samples of a JFR profile against the
   * micro-kernel's 25%, and the whole was no faster than im2col in probe loops). Those panels
   * hold a tile's channels side by side, so x and dy are first interleaved channel by channel,
   * image by image ({@link #interleaveChannels}), and the transforms then run on vectors of L
   * channels of a tile. The tiles are cut into parts fixed by the geometry (at most {@link
   * #MAX_PARTS}, their partial sums within {@link #PARTIAL_FLOATS}); each part sums its tiles
   * in order, a chunk of at most {@link #CHUNK_FLOATS} transformed values at a time,
   * into its own W; the parts go to the threads as they come free and their W are added in
   * part order, then transformed back and added to dw: the same bits for any thread count.
   * The bias gradient, dy summed per channel, is summed plane by plane in the parts (each image
   * by the chunk that holds its first tile, right after interleaving its dy) and the planes'
   * sums then added per channel in image order, the order and bits of {@code addChannelSums}.
   * (Run after the parts on the calling thread alone, that sum held the other thread idle for
   * about 2% of a two-thread CNN step in a JFR profile; in the parts the weight gradient of
   * LeNet's second layer ran 1.03-1.04x as fast with 1 thread, 1.09-1.11x with 2, in probe
   * loops alternating with the previous code.)
   */
  @Override
  public void backwardWeights(float[] dw, int dwOff, float[] dBias, int dBiasOff, float[] dy,
      int dyOff, float[] x, int xOff, Conv2dGeometry g) {
    if (!applies(g)) {
      fallback.backwardWeights(dw, dwOff, dBias, dBiasOff, dy, dyOff, x, xOff, g);
      return;
    }
    Pass p = weightGradientPass(gradientPasses.get(), g, dBias != null, dy, dyOff, x, xOff);
    try {
      Parallel.parallelForDynamic(p.parts, 1, p);
      finishWeightGradient(p, dw, dwOff, dBias, dBiasOff);
    } finally {
      p.clear();
    }
  }

  /**
   * Both backward passes of g in one job where there are threads to share it: the weight
   * gradient's parts and the input gradient's groups go to the threads as they come free, so
   * the threads wait once, at its end, for the last of them, not at the end of each pass (in
   * traced two-thread CNN steps the second convolution's backward left 400-620 µs of thread
   * time idle, where its two passes left about 1,250; whole steps alternating with the
   * previous code in one JVM, 0.9-2.5% faster, probe loops). The same work, and bits, as the
   * two passes one after the other.
   */
  @Override
  public void backward(float[] dx, int dxOff, float[] dw, int dwOff, float[] dBias,
      int dBiasOff, float[] dy, int dyOff, float[] x, int xOff, float[] w, int wOff,
      Conv2dGeometry g) {
    int threads = Parallel.threads();
    if (!applies(g) || threads == 1) {
      ConvKernels.super.backward(dx, dxOff, dw, dwOff, dBias, dBiasOff, dy, dyOff, x, xOff, w,
          wOff, g);
      return;
    }
    Pass weights = weightGradientPass(gradientPasses.get(), g, dBias != null, dy, dyOff, x,
        xOff);
    Pass data = inputGradientPass(passes.get(), g);
    try {
      if (weights.parts < 2 || data.groups < threads) {
        // a lone part shares its products between the threads itself, and too few groups
        // leave nothing to balance: the two passes one after the other
        Parallel.parallelForDynamic(weights.parts, 1, weights);
        finishWeightGradient(weights, dw, dwOff, dBias, dBiasOff);
        convolve(data, dy, dyOff, dx, dxOff, w, wOff, true);
        return;
      }
      prepare(data, dy, dyOff, dx, dxOff, w, wOff, true);
      data.cutChunks(threads);
      Both both = backwards.get();
      both.weights = weights;
      both.data = data;
      // the parts first: the groups' last chunks are the shorter ones
      Parallel.parallelForDynamic(weights.parts + data.chunks, 1, both);
      finishWeightGradient(weights, dw, dwOff, dBias, dBiasOff);
    } finally {
      weights.clear();
      data.clear();
    }
  }

  /**
   * p set for g's weight gradient of dy (N, out, outH, outW) and x (N, C, H, W), and the
   * calling thread's buffers grown for the parts' W (and, with a bias, the planes' sums).
   */
  private Pass weightGradientPass(Pass p, Conv2dGeometry g, boolean withBias, float[] dy,
      int dyOff, float[] x, int xOff) {
    p.set(g, SMALL_TILE);
    p.in = x;
    p.inOff = xOff;
    p.out = dy;
    p.outOff = dyOff;
    p.gradient = true;
    int weights = XI * p.outC * p.inC;
    p.partTiles = partTiles(p.tiles, weights);
    p.parts = p.tiles == 0 ? 0 : (p.tiles + p.partTiles - 1) / p.partTiles;
    p.chunkTiles = chunkTiles(p.inC, p.outC);
    p.xChannels = (p.inC + NR - 1) / NR * NR;
    p.dyChannels = (p.outRows - MR + (MR + L - 1) / L * L + L - 1) / L * L;
    Buffers own = buffers.get();
    p.u = own.partials = grow(own.partials, Math.max(1, p.parts) * weights);
    if (withBias && p.parts > 0) {
      p.runSums = own.runSums = grow(own.runSums, p.batch * p.outC);
    }
    return p;
  }

  /**
   * After the parts: W = Σ the parts' W, in part order, then dw += A'ᵀ W A', and the bias
   * gradient from the planes' sums.
   */
  private void finishWeightGradient(Pass p, float[] dw, int dwOff, float[] dBias,
      int dBiasOff) {
    if (p.parts == 0) {
      if (dBias != null) {
        reductions.addChannelSums(dBias, dBiasOff, p.out, p.outOff, p.batch, p.outC,
            p.outH * p.outW);
      }
      return;
    }
    // output channels split between the pool's threads (on the calling thread alone, the sums
    // and transforms held the other thread idle: 0.6% of a two-thread CNN step's samples in a
    // JFR profile)
    p.dw = dw;
    p.dwOff = dwOff;
    Parallel.parallelForDynamic(p.outC, Parallel.balancedChunk(p.outC, 1),
        p.weightGradientRows);
    if (dBias != null) {
      // addChannelSums' order: per channel, the runs' sums one image after another from 0
      for (int o = 0; o < p.outC; o++) {
        float sum = 0;
        for (int n = 0; n < p.batch; n++) {
          sum += p.runSums[n * p.outC + o];
        }
        dBias[dBiasOff + o] += sum;
      }
    }
  }

  /**
   * Strips per image: of 1 to L, the one that computes the fewest tiles (blocks of L strips
   * times rows of tiles per strip), the fewest strips on a tie. A batch that is a multiple of L
   * takes 1 (LeNet's batch of 64: 8 blocks of whole images); a single image of 7 rows of tiles
   * takes 7 strips of a row each, where whole images would leave 7 of 8 lanes empty.
   */
  static int strips(int batch, int tilesH) {
    int best = 1;
    long bestTiles = Long.MAX_VALUE;
    for (int s = 1; s <= L; s++) {
      long tiles = ((long) batch * s + L - 1) / L * ((tilesH + s - 1) / s);
      if (tiles < bestTiles) {
        best = s;
        bestTiles = tiles;
      }
    }
    return best;
  }

  /**
   * The output tile of the forward or input gradient into a plane of h x w outputs: F(4x4,
   * 3x3)'s where its 36 products per 4x4 tile come to fewer than F(2x2, 3x3)'s 16 per 2x2 tile
   * over the plane, counting the tiles' parts past its edges (LeNet's 14 x 14: 576 against
   * 784; not planes of one or two rows or columns), else F(2x2, 3x3)'s, whose fewer roundings
   * also win the ties (5 x 5, 6 x 6).
   */
  static int tile(int h, int w) {
    long large = 36L * ((h + 3) / 4) * ((w + 3) / 4);
    long small = 16L * ((h + 1) / 2) * ((w + 1) / 2);
    return large < small ? LARGE_TILE : SMALL_TILE;
  }

  /**
   * Vectors per group of the forward and input gradient, for rows of tilesW tiles and xi
   * products of k = inC and outRows rows: whole rows of tiles (an even number of vectors, so
   * that a group is a multiple of NR tiles), as many as make about ROW_GROUP_VECTORS and fit V
   * and M in ROW_GROUP_FLOATS, where that many hold one row or two; else GROUP_VECTORS
   * (larger groups would also leave fewer of them to share between threads). With F(4x4,
   * 3x3) on LeNet's second layer (rows of 4 tiles, 36 positions), 4 rows: a block of L whole
   * images; 2 or 3 rows were no faster in probe loops. Each group interleaves the padded rows
   * its tiles read, two more than tile times its rows of tiles: with F(2x2, 3x3) on
   * LeNet's second layer (rows of 7 tiles) groups of 8 vectors interleaved each row about 2.4
   * times; groups of 4 rows (28 vectors) took the forward 1.03-1.11x and the input gradient
   * 1.08-1.15x as fast in probe loops alternating with the previous code (2 rows: 1.00-1.03x
   * and 1.07-1.08x; 8 or 14 rows no better than 4).
   */
  static int groupVectors(int tilesW, int inC, int outRows, int xi) {
    int rowVectors = tilesW % 2 == 0 ? tilesW : 2 * tilesW;
    if (rowVectors > ROW_GROUP_VECTORS) {
      return GROUP_VECTORS;
    }
    for (int vectors = Math.max(1, ROW_GROUP_VECTORS / rowVectors) * rowVectors;
        vectors > 0; vectors -= rowVectors) {
      if ((long) xi * (inC + outRows) * vectors * L <= ROW_GROUP_FLOATS) {
        return vectors;
      }
    }
    return GROUP_VECTORS;
  }

  /**
   * Cuts vectors [0, vectors) into what the threads take: whole groups of groupVectors, except
   * that with several threads the last {@code threads} groups go in halves (an even number of
   * vectors each, so whole NR panels), so that the thread that finishes first then waits for
   * at most about half a group. Chunk i is [chunkAt[i], chunkAt[i + 1]); returns the number of
   * chunks. Which tiles share a chunk does not change their bits.
   */
  static int chunks(int vectors, int groupVectors, int threads, int[] chunkAt) {
    int groups = (vectors + groupVectors - 1) / groupVectors;
    int half = groupVectors / 2 / 2 * 2;
    int halved = threads > 1 && half > 0 && groups >= 2 * threads ? threads : 0;
    int c = 0;
    for (int g = 0; g < groups; g++) {
      int first = g * groupVectors;
      chunkAt[c++] = first;
      if (g >= groups - halved && first + half < vectors) {
        chunkAt[c++] = first + half;
      }
    }
    chunkAt[c] = vectors;
    return c;
  }

  /**
   * Tiles per part of the weight gradient: the tiles over at most MAX_PARTS parts, fewer when
   * their W would pass PARTIAL_FLOATS; the last part is the shorter, and none is empty.
   */
  static int partTiles(int tiles, int weights) {
    int parts = Math.max(1, Math.min(MAX_PARTS, PARTIAL_FLOATS / weights));
    return Math.max(1, (tiles + parts - 1) / parts);
  }

  /** Tiles per chunk of the weight gradient: their transformed x and dy within CHUNK_FLOATS. */
  static int chunkTiles(int in, int out) {
    int channels = (in + NR - 1) / NR * NR + (out + MR - 1) / MR * MR;
    return Math.max(1, CHUNK_FLOATS / (XI * channels));
  }

  /**
   * One part of the weight gradient: its tiles a chunk at a time, each chunk's X packed as the
   * micro-kernel reads B (NR channels per panel, a step per tile) and DY as it reads A (MR
   * output channels per panel), then every MR x NR tile of W[ξ] (+)= DY[ξ] · X[ξ]ᵀ.
   */
  private void gradientPart(Pass p, int part) {
    Buffers own = buffers.get();
    int inPanels = (p.inC + NR - 1) / NR;
    int outPanels = p.outRows / MR;
    int first = part * p.partTiles;
    int end = Math.min(p.tiles, first + p.partTiles);
    for (int chunk = first; chunk < end; chunk += p.chunkTiles) {
      int count = Math.min(p.chunkTiles, end - chunk);
      int firstImage = chunk / p.tilesPerImage;
      int images = (chunk + count - 1) / p.tilesPerImage - firstImage + 1;
      int xBlock = p.paddedH * p.paddedW * p.xChannels;
      int dyBlock = 4 * p.tilesPerImage * p.dyChannels;
      own.planes = grow(own.planes, images * xBlock);
      own.gradients = grow(own.gradients, images * dyBlock);
      own.packedV = grow(own.packedV, XI * inPanels * panelStride(count * NR));
      own.products = grow(own.products, XI * outPanels * panelStride(count * MR));
      own.tileAt = grow(own.tileAt, 2 * count);
      own.channelAt = grow(own.channelAt, Math.max(p.inC, p.outC));
      locateGradientTiles(p, chunk, count, firstImage, own.tileAt);
      for (int i = 0; i < images; i++) {
        int image = firstImage + i;
        for (int c = 0; c < p.inC; c++) {
          own.channelAt[c] = p.inOff + (image * p.inC + c) * p.inH * p.inW;
        }
        interleaveChannels(p.in, own.channelAt, p.inC, p.inH, p.inW, own.planes, i * xBlock,
            p.paddedH, p.paddedW, p.padH, p.padW, p.xChannels);
        for (int o = 0; o < p.outC; o++) {
          own.channelAt[o] = p.outOff + (image * p.outC + o) * p.outH * p.outW;
        }
        interleaveChannels(p.out, own.channelAt, p.outC, p.outH, p.outW, own.gradients,
            i * dyBlock, 2 * p.tilesH, 2 * p.tilesW, 0, 0, p.dyChannels);
        if (p.runSums != null && image * p.tilesPerImage >= chunk) {
          // the bias gradient's sum of each of the image's dy planes, while they are in the
          // cache, by the chunk that holds its first tile
          for (int o = 0; o < p.outC; o++) {
            p.runSums[image * p.outC + o] =
                SimdReductions.sumOf(p.out, own.channelAt[o], p.outH * p.outW, own.tail);
          }
        }
      }
      packInputTransform(p, count, inPanels, own);
      packGradientTransform(p, count, outPanels, own);
      float beta = chunk == first ? 0f : 1f;
      if (p.parts == 1 && Parallel.threads() > 1) {
        // a lone part (a layer whose W alone is large) runs on the calling thread: its 16
        // products go to the pool instead
        p.chunkCount = count;
        p.chunkBeta = beta;
        p.packedX = own.packedV;
        p.packedDy = own.products;
        Parallel.parallelFor(XI, 1, p.positions);
      } else {
        multiplyGradient(p, part, count, beta, own.packedV, own.products, own.tile, 0, XI);
      }
    }
  }

  /**
   * {@code W[ξ] (+)= DY[ξ] · X[ξ]ᵀ} into part's W, for ξ in [xiStart, xiEnd): every MR x NR
   * tile of W by the micro-kernel, over the chunk's count tiles.
   */
  private static void multiplyGradient(Pass p, int part, int count, float beta, float[] x,
      float[] dy, float[] tile, int xiStart, int xiEnd) {
    int inPanels = (p.inC + NR - 1) / NR;
    int outPanels = p.outRows / MR;
    int weights = XI * p.outC * p.inC;
    int dyPanel = panelStride(count * MR);
    int xPanel = panelStride(count * NR);
    for (int xi = xiStart; xi < xiEnd; xi++) {
      for (int op = 0; op < outPanels; op++) {
        int aAt = (xi * outPanels + op) * dyPanel;
        int mr = Math.min(MR, p.outC - op * MR);
        for (int cp = 0; cp < inPanels; cp++) {
          SimdGemm.kernel(count, dy, aAt, x, (xi * inPanels + cp) * xPanel, p.u,
              part * weights + xi * p.outC * p.inC + op * MR * p.inC + cp * NR, p.inC, 1f,
              beta, mr, Math.min(NR, p.inC - cp * NR), tile);
        }
      }
    }
  }

  /**
   * Floats from one packed panel of the weight gradient's X or DY to the next, for panels of
   * {@code floats}: an odd number of cache lines, so that the panels being written at once (a
   * tile's 16 positions ξ, a panel each) fall in different sets of the L1 cache rather than in
   * the few that panels a multiple of 4 KiB apart share. (With the panel-by-panel packing
   * order: 1.04-1.07x for the weight gradient in probe loops; this alone within their noise.)
   */
  static int panelStride(int floats) {
    return (floats + 2 * CACHE_LINE - 1) / (2 * CACHE_LINE) * (2 * CACHE_LINE) + CACHE_LINE;
  }

  /**
   * For each tile t of the chunk [first, first + count): tileAt[t], where its 4x4 patch starts
   * in the chunk's interleaved x (image, row 2i, column 2j, channel 0), and tileAt[count + t],
   * where its 2x2 block starts in the chunk's interleaved dy (see {@link #interleaveChannels}).
   */
  private static void locateGradientTiles(Pass p, int first, int count, int firstImage,
      int[] tileAt) {
    for (int t = 0; t < count; t++) {
      int tile = first + t;
      int n = tile / p.tilesPerImage - firstImage;
      int i = tile % p.tilesPerImage / p.tilesW;
      int j = tile % p.tilesW;
      tileAt[t] = ((n * p.paddedH + 2 * i) * p.paddedW + 2 * j) * p.xChannels;
      tileAt[count + t] = ((n * 2 * p.tilesH + 2 * i) * 2 * p.tilesW + 2 * j) * p.dyChannels;
    }
  }

  /**
   * One image's planes (channels, h, w), channel c's starting at from[planeAt[c]], interleaved
   * into a zero-bordered block (rows, cols, stride) at to[at]: value (r, s) of channel c goes
   * to {@code to[at + ((top + r)·cols + left + s)·stride + c]}; the border and the channels
   * from {@code channels} up to stride are zero. Blocks of 8 channels by 8 columns go through
   * {@link Transpose8} where the species has 8 lanes (the last 8 columns of a row overlapping
   * the ones before where w is not a multiple of 8), the rest one value at a time.
   */
  private static void interleaveChannels(float[] from, int[] planeAt, int channels, int h, int w,
      float[] to, int at, int rows, int cols, int top, int left, int stride) {
    int rowFloats = cols * stride;
    Arrays.fill(to, at, at + top * rowFloats, 0f);
    Arrays.fill(to, at + (top + h) * rowFloats, at + rows * rowFloats, 0f);
    int transposed = Transpose8.AVAILABLE && w >= 8 ? channels / 8 * 8 : 0;
    for (int r = 0; r < h; r++) {
      int rowStart = at + (top + r) * rowFloats;
      Arrays.fill(to, rowStart, rowStart + left * stride, 0f);
      Arrays.fill(to, rowStart + (left + w) * stride, rowStart + rowFloats, 0f);
    }
    // 8 planes at a time through the whole image, so that the loads run along 8 streams that
    // the hardware prefetchers can follow, rather than across every channel's plane
    for (int c = 0; c < transposed; c += 8) {
      for (int r = 0; r < h; r++) {
        int dst = at + ((top + r) * cols + left) * stride + c;
        for (int s = 0; ; s += 8) {
          int col = Math.min(s, w - 8);
          Transpose8.rows(from, planeAt, c, r * w + col, to, dst + col * stride, stride);
          if (col == w - 8) {
            break;
          }
        }
      }
    }
    if (transposed < stride) {
      for (int r = 0; r < h; r++) {
        int dst = at + ((top + r) * cols + left) * stride;
        for (int s = 0; s < w; s++) {
          int pixel = dst + s * stride;
          for (int c = transposed; c < channels; c++) {
            to[pixel + c] = from[planeAt[c] + r * w + s];
          }
          for (int c = channels; c < stride; c++) {
            to[pixel + c] = 0f;
          }
        }
      }
    }
  }

  /**
   * {@code X[ξ][c][t] = (Bᵀ d B)[ξ]} for the chunk's tiles and every channel, packed as B:
   * {@code v[(ξ·inPanels + c / NR)·panel + t·NR + c % NR]} (panel: {@link #panelStride} of
   * count·NR), channels past C zero. A vector holds L channels of a tile, loaded from the
   * interleaved x. (Done one channel at a time, this and the dy packing took half the weight
   * gradient's samples in a JFR profile; interleaving and transforming in vectors took the
   * weight gradient of LeNet's second layer 1.16-1.21x faster, in probe loops that
   * alternated the two, bit for bit the same.)
   */
  private static void packInputTransform(Pass p, int count, int inPanels, Buffers own) {
    int[] tileAt = own.tileAt;
    int panel = panelStride(count * NR);
    int xiStride = inPanels * panel;
    int row = p.paddedW * p.xChannels;
    // panel by panel, so that a tile writes one line per position ξ (with the scalar packing
    // this order gained 1.04-1.07x over all channels of a tile at a time)
    for (int cp = 0; cp < inPanels; cp++) {
      for (int t = 0; t < count; t++) {
        for (int h = 0; h < NR; h += L) {
          transformPatches(own.planes, tileAt[t] + cp * NR + h, row, p.xChannels, own.packedV,
              cp * panel + t * NR + h, xiStride);
        }
      }
    }
  }

  /**
   * {@code DY[ξ][o][t] = (G' g G'ᵀ)[ξ]} for the chunk's tiles and every output channel, g the
   * tile's 2x2 block of dy (zero where it pokes out of an odd-sized plane), packed as A:
   * {@code m[(ξ·outPanels + o / MR)·panel + t·MR + o % MR]} (panel: {@link #panelStride} of
   * count·MR), rows past out zero. Vectors of L channels of a tile, as for x; each tile's MR
   * values per position are written as whole vectors running past them, into the next tile's
   * place (rewritten next) or, after the last tile, the panel's spare cache line.
   */
  private static void packGradientTransform(Pass p, int count, int outPanels, Buffers own) {
    int[] tileAt = own.tileAt;
    int panel = panelStride(count * MR);
    int xiStride = outPanels * panel;
    int row = 2 * p.tilesW * p.dyChannels;
    for (int op = 0; op < outPanels; op++) {
      for (int t = 0; t < count; t++) {
        transformGradient(own.gradients, tileAt[count + t] + op * MR, row, p.dyChannels,
            own.products, op * panel + t * MR, xiStride);
      }
    }
  }

  /**
   * G' g G'ᵀ for MR channels of a tile (in vectors of L, the last running past MR): value (r,
   * s) of their 2x2 blocks is the vector at {@code g[from + r·row + s·col]}; writes position ξ
   * to {@code m[at + ξ·stride]}.
   */
  private static void transformGradient(float[] g, int from, int row, int col, float[] m,
      int at, int stride) {
    for (int k = 0; k < MR; k += L) {
      FloatVector g00 = FloatVector.fromArray(F, g, from + k);
      FloatVector g01 = FloatVector.fromArray(F, g, from + col + k);
      FloatVector g10 = FloatVector.fromArray(F, g, from + row + k);
      FloatVector g11 = FloatVector.fromArray(F, g, from + row + col + k);
      // G' g: rows g0, (g0 + g1)/2, (g0 - g1)/2, g1; each row (b0, b1) times G'ᵀ to four
      // positions: b0, (b0 + b1)/2, (b0 - b1)/2, b1
      FloatVector b10 = g00.add(g10).mul(0.5f);
      FloatVector b11 = g01.add(g11).mul(0.5f);
      FloatVector b20 = g00.sub(g10).mul(0.5f);
      FloatVector b21 = g01.sub(g11).mul(0.5f);
      int to = at + k;
      g00.intoArray(m, to);
      g00.add(g01).mul(0.5f).intoArray(m, to + stride);
      g00.sub(g01).mul(0.5f).intoArray(m, to + 2 * stride);
      g01.intoArray(m, to + 3 * stride);
      b10.intoArray(m, to + 4 * stride);
      b10.add(b11).mul(0.5f).intoArray(m, to + 5 * stride);
      b10.sub(b11).mul(0.5f).intoArray(m, to + 6 * stride);
      b11.intoArray(m, to + 7 * stride);
      b20.intoArray(m, to + 8 * stride);
      b20.add(b21).mul(0.5f).intoArray(m, to + 9 * stride);
      b20.sub(b21).mul(0.5f).intoArray(m, to + 10 * stride);
      b21.intoArray(m, to + 11 * stride);
      g10.intoArray(m, to + 12 * stride);
      g10.add(g11).mul(0.5f).intoArray(m, to + 13 * stride);
      g10.sub(g11).mul(0.5f).intoArray(m, to + 14 * stride);
      g11.intoArray(m, to + 15 * stride);
    }
  }

  /**
   * For outputs o in [firstOut, endOut): W[·][o] = Σ the parts' W[·][o], in part order, into
   * part 0's, then {@code dw[o][c] += A'ᵀ W[·][o][c] A'} (see {@link #backwardWeights}).
   */
  private void finishWeightGradient(Pass p, int firstOut, int endOut) {
    int weights = XI * p.outC * p.inC;
    int rows = (endOut - firstOut) * p.inC;
    for (int part = 1; part < p.parts; part++) {
      for (int xi = 0; xi < XI; xi++) {
        int at = xi * p.outC * p.inC + firstOut * p.inC;
        elementwise.add(p.u, at, p.u, at, p.u, part * weights + at, rows);
      }
    }
    transformWeightGradient(p, p.dw, p.dwOff, firstOut, endOut);
  }

  /** {@code dw[o][c] += A'ᵀ W[·][o][c] A'} for outputs [firstOut, endOut), W (16, out, C). */
  private static void transformWeightGradient(Pass p, float[] dw, int dwOff, int firstOut,
      int endOut) {
    int stride = p.outC * p.inC;
    float[] w = p.u;
    for (int o = firstOut; o < endOut; o++) {
      for (int c = 0; c < p.inC; c++) {
        int at = o * p.inC + c;
        // A'ᵀ m: rows m0 + m1 + m2, m1 - m2, m1 + m2 - m3 (m_r: positions 4r .. 4r + 3)
        float r00 = w[at] + w[at + 4 * stride] + w[at + 8 * stride];
        float r01 = w[at + stride] + w[at + 5 * stride] + w[at + 9 * stride];
        float r02 = w[at + 2 * stride] + w[at + 6 * stride] + w[at + 10 * stride];
        float r03 = w[at + 3 * stride] + w[at + 7 * stride] + w[at + 11 * stride];
        float r10 = w[at + 4 * stride] - w[at + 8 * stride];
        float r11 = w[at + 5 * stride] - w[at + 9 * stride];
        float r12 = w[at + 6 * stride] - w[at + 10 * stride];
        float r13 = w[at + 7 * stride] - w[at + 11 * stride];
        float r20 = w[at + 4 * stride] + w[at + 8 * stride] - w[at + 12 * stride];
        float r21 = w[at + 5 * stride] + w[at + 9 * stride] - w[at + 13 * stride];
        float r22 = w[at + 6 * stride] + w[at + 10 * stride] - w[at + 14 * stride];
        float r23 = w[at + 7 * stride] + w[at + 11 * stride] - w[at + 15 * stride];
        int dst = dwOff + at * 9;
        addRow(dw, dst, r00, r01, r02, r03);
        addRow(dw, dst + 3, r10, r11, r12, r13);
        addRow(dw, dst + 6, r20, r21, r22, r23);
      }
    }
  }

  /** One row of (A'ᵀ m) A': dw[at..at+3] += (r0 + r1 + r2, r1 - r2, r1 + r2 - r3). */
  private static void addRow(float[] dw, int at, float r0, float r1, float r2, float r3) {
    dw[at] += r0 + r1 + r2;
    dw[at + 1] += r1 - r2;
    dw[at + 2] += r1 + r2 - r3;
  }

  private static float[] grow(float[] a, int n) {
    return a.length >= n ? a : new float[n];
  }

  private static int[] grow(int[] a, int n) {
    return a.length >= n ? a : new int[n];
  }

  private void run(Pass p) {
    try {
      if (Parallel.threads() > 1 && p.groups >= Parallel.threads()) {
        p.cutChunks(Parallel.threads());
        Parallel.parallelForDynamic(p.chunks, 1, p);
      } else {
        p.cutChunks(1);
        p.run(0, p.chunks);
      }
    } finally {
      p.clear();
    }
  }

  /**
   * U = G g Gᵀ for every pair of output o and input c of the pass, packed as the micro-kernel
   * reads A: {@code u[((ξ·panels + o / MR)·C + c)·MR + o % MR]}, rows past the last output
   * zero.
   * {@code turned}: g is w's kernel for (c, o) turned by 180 degrees, w (C', out', 3, 3) with the
   * pass's outputs as w's inputs (the input gradient); else g is w (out, C, 3, 3) as it is.
   */
  private static void transformWeights(Pass p, float[] w, int wOff, boolean turned) {
    int panels = p.outRows / MR;
    int xiStride = panels * p.inC * MR;
    Arrays.fill(p.u, 0, XI * xiStride, 0f);
    for (int o = 0; o < p.outC; o++) {
      for (int c = 0; c < p.inC; c++) {
        // forward: w[o][c]; turned: w[c][o] read backwards, g[r][s] = w[c][o][2 - r][2 - s]
        int src = wOff + (turned ? c * p.outC + o : o * p.inC + c) * 9;
        float g00 = w[src + (turned ? 8 : 0)];
        float g01 = w[src + (turned ? 7 : 1)];
        float g02 = w[src + (turned ? 6 : 2)];
        float g10 = w[src + (turned ? 5 : 3)];
        float g11 = w[src + 4];
        float g12 = w[src + (turned ? 3 : 5)];
        float g20 = w[src + (turned ? 2 : 6)];
        float g21 = w[src + (turned ? 1 : 7)];
        float g22 = w[src + (turned ? 0 : 8)];
        // G g (4x3)
        float a00 = g00;
        float a01 = g01;
        float a02 = g02;
        float a10 = 0.5f * (g00 + g10 + g20);
        float a11 = 0.5f * (g01 + g11 + g21);
        float a12 = 0.5f * (g02 + g12 + g22);
        float a20 = 0.5f * (g00 - g10 + g20);
        float a21 = 0.5f * (g01 - g11 + g21);
        float a22 = 0.5f * (g02 - g12 + g22);
        float a30 = g20;
        float a31 = g21;
        float a32 = g22;
        // (G g) Gᵀ, row r to positions ξ = 4r .. 4r + 3
        int at = (o / MR * p.inC + c) * MR + o % MR;
        at = storeRow(p.u, at, xiStride, a00, a01, a02);
        at = storeRow(p.u, at, xiStride, a10, a11, a12);
        at = storeRow(p.u, at, xiStride, a20, a21, a22);
        storeRow(p.u, at, xiStride, a30, a31, a32);
      }
    }
  }

  /**
   * F(4x4, 3x3)'s U = G g Gᵀ, 6 x 6 per pair, for the outputs of panels [firstPanel,
   * endPanel), packed and zero-filled as {@link #transformWeights} packs F(2x2, 3x3)'s, with
   * <pre>
   *   24 G = |  6  0  0 |
   *          | -4 -4 -4 |
   *          | -4  4 -4 |
   *          |  1  2  4 |
   *          |  1 -2  4 |
   *          |  0  0 24 |
   * </pre>
   * (24 G) g (24 G)ᵀ is formed in double, where every sum of these small multiples of floats
   * is exact, and only then divided by 576 and rounded, once: each U is the float nearest the
   * exact one, and exact where that is a float (weights that are multiples of 9 give U in
   * multiples of 1/64, which the tests use).
   */
  private static void transformWeights6x6(Pass p, float[] w, int wOff, boolean turned,
      double[] rows, int firstPanel, int endPanel) {
    int panels = p.outRows / MR;
    int xiStride = panels * p.inC * MR;
    for (int xi = 0; xi < p.xi; xi++) {
      int at = xi * xiStride + firstPanel * p.inC * MR;
      Arrays.fill(p.u, at, at + (endPanel - firstPanel) * p.inC * MR, 0f);
    }
    for (int o = firstPanel * MR; o < Math.min(p.outC, endPanel * MR); o++) {
      for (int c = 0; c < p.inC; c++) {
        // forward: w[o][c]; turned: w[c][o] read backwards, g[r][s] = w[c][o][2 - r][2 - s]
        int src = wOff + (turned ? c * p.outC + o : o * p.inC + c) * 9;
        int at = (o / MR * p.inC + c) * MR + o % MR;
        // (24 G) g (6 x 3), column by column, then each of its rows times (24 G)ᵀ
        for (int s = 0; s < 3; s++) {
          double g0 = w[src + (turned ? 8 - s : s)];
          double g1 = w[src + (turned ? 5 - s : 3 + s)];
          double g2 = w[src + (turned ? 2 - s : 6 + s)];
          rows[s] = 6 * g0;
          rows[3 + s] = -4 * (g0 + g1 + g2);
          rows[6 + s] = -4 * (g0 - g1 + g2);
          rows[9 + s] = g0 + 2 * g1 + 4 * g2;
          rows[12 + s] = g0 - 2 * g1 + 4 * g2;
          rows[15 + s] = 24 * g2;
        }
        for (int r = 0; r < 6; r++) {
          double b0 = rows[3 * r];
          double b1 = rows[3 * r + 1];
          double b2 = rows[3 * r + 2];
          int to = at + 6 * r * xiStride;
          p.u[to] = (float) (6 * b0 * INVERSE_576);
          p.u[to + xiStride] = (float) (-4 * (b0 + b1 + b2) * INVERSE_576);
          p.u[to + 2 * xiStride] = (float) (-4 * (b0 - b1 + b2) * INVERSE_576);
          p.u[to + 3 * xiStride] = (float) ((b0 + 2 * b1 + 4 * b2) * INVERSE_576);
          p.u[to + 4 * xiStride] = (float) ((b0 - 2 * b1 + 4 * b2) * INVERSE_576);
          p.u[to + 5 * xiStride] = (float) (24 * b2 * INVERSE_576);
        }
      }
    }
  }

  /** A row (b0, b1, b2) of G g times Gᵀ: four values, {@code stride} apart from u[at]. */
  private static int storeRow(float[] u, int at, int stride, float b0, float b1, float b2) {
    u[at] = b0;
    u[at + stride] = 0.5f * (b0 + b1 + b2);
    u[at + 2 * stride] = 0.5f * (b0 - b1 + b2);
    u[at + 3 * stride] = b2;
    return at + 4 * stride;
  }

  /**
   * One chunk of tiles, a group or part of one: transform its input, the products, transform
   * back into the output. The chunk is vectors [first, first + count) of the pass, in the
   * order {@link Pass} describes.
   */
  private void group(Pass p, int chunk) {
    Buffers own = buffers.get();
    int first = p.chunkAt[chunk];
    int count = p.chunkAt[chunk + 1] - first;
    int firstBlock = first / p.stripPositions;
    int blocks = (first + count - 1) / p.stripPositions - firstBlock + 1;
    own.planes = grow(own.planes, blocks * p.stripPlane * L);
    own.packedV = grow(own.packedV, p.xi * p.vStride);
    own.products = grow(own.products, p.xi * p.mStride);
    own.tileAt = grow(own.tileAt, p.groupVectors + 2 * p.groupTiles);
    if (p.tile == LARGE_TILE) {
      own.columns = grow(own.columns, 24 * p.groupTiles);
    }
    locateTiles(p, first, count, firstBlock, own.tileAt);
    transformInput(p, first, count, firstBlock, blocks, own);
    multiply(p, count, own);
    transformOutput(p, first, count, own);
  }

  /**
   * For each vector q of the group: tileAt[q], where its tiles' patches start in the
   * group's interleaved planes; for each tile t: tileAt[groupVectors + t], where its outputs
   * start in the output's channel 0 (image, row tile·i, column tile·j), -1 for a tile that
   * is not there (past the batch or the plane), and tileAt[groupVectors + groupTiles + t],
   * how many of its columns and rows of outputs lie inside the plane, {@code columns + rows ·
   * INSIDE_ROWS} (the last column or row of tiles pokes out of a plane whose side is not a
   * multiple of the tile's).
   */
  private static void locateTiles(Pass p, int first, int count, int firstBlock, int[] tileAt) {
    int flags = p.groupVectors + p.groupTiles;
    int outPlane = p.outH * p.outW;
    for (int q = 0; q < p.groupVectors; q++) {
      int vector = first + q;
      int block = vector / p.stripPositions;
      int position = vector % p.stripPositions;
      int row = position / p.tilesW;
      int j = position % p.tilesW;
      // the group's missing last vectors read a patch from the start of the planes: their
      // products are computed but never written out
      tileAt[q] = q < count
          ? ((block - firstBlock) * p.stripPlane + p.tile * (row * p.paddedW + j)) * L : 0;
      for (int l = 0; l < L; l++) {
        int sub = block * L + l;
        int image = sub / p.strips;
        int i = sub % p.strips * p.stripRows + row;
        int t = q * L + l;
        boolean there = q < count && image < p.batch && i < p.tilesH;
        tileAt[p.groupVectors + t] = there
            ? image * p.outC * outPlane + p.tile * (i * p.outW + j) : -1;
        tileAt[flags + t] = Math.min(p.tile, p.outW - p.tile * j)
            + INSIDE_ROWS * Math.min(p.tile, p.outH - p.tile * i);
      }
    }
  }

  /**
   * {@code V[ξ][c][t] = (Bᵀ d B)[ξ]} for every channel c and tile t of the group, d the tile's
   * 4x4 patch, packed as the micro-kernel reads B: {@code v[((ξ·panels + t / NR)·C + c)·NR +
   * t % NR]} (tiles that are not there: whatever the planes hold, never written out). Per
   * channel: the strips of the group's blocks are interleaved with their zero border, then
   * transformed a vector of L tiles at a time.
   */
  private static void transformInput(Pass p, int first, int count, int firstBlock, int blocks,
      Buffers own) {
    float[] planes = own.planes;
    float[] v = own.packedV;
    int[] tileAt = own.tileAt;
    int panels = (count * L + NR - 1) / NR;
    int xiStride = p.vStride;
    int pw = p.paddedW;
    // the rows of the strips the group reads: from its first vector's row of tiles in the
    // first block to its last's in the last (a group may hold part of a block, or parts of two)
    int firstRow = p.tile * (first % p.stripPositions / p.tilesW);
    int endRow = p.tile * ((first + count - 1) % p.stripPositions / p.tilesW) + p.tile + 2;
    for (int c = 0; c < p.inC; c++) {
      for (int b = 0; b < blocks; b++) {
        interleave(p, c, firstBlock + b, planes, b * p.stripPlane * L,
            b == 0 ? firstRow : 0, b == blocks - 1 ? endRow : p.stripH, own.laneAt);
      }
      for (int panel = 0; panel < panels; panel++) {
        int at = (panel * p.inC + c) * NR;
        for (int h = 0; h < NR; h += L) {
          int from = tileAt[(panel * NR + h) / L];
          if (p.tile == LARGE_TILE) {
            transformPatches6x6(planes, from, pw * L, v, at + h, xiStride, own.halfway);
          } else {
            transformPatches(planes, from, pw * L, L, v, at + h, xiStride);
          }
        }
      }
    }
  }

  /**
   * Bᵀ d B for the L patches of a vector (L tiles of the forward, L channels of a tile in the
   * weight gradient): value (r, s) of the patches is the vector at {@code planes[from + r·row
   * + s·col]}; writes position ξ of lane l to {@code v[at + ξ·stride + l]}.
   */
  private static void transformPatches(float[] planes, int from, int row, int col, float[] v,
      int at, int stride) {
    FloatVector d00 = FloatVector.fromArray(F, planes, from);
    FloatVector d01 = FloatVector.fromArray(F, planes, from + col);
    FloatVector d02 = FloatVector.fromArray(F, planes, from + 2 * col);
    FloatVector d03 = FloatVector.fromArray(F, planes, from + 3 * col);
    FloatVector d10 = FloatVector.fromArray(F, planes, from + row);
    FloatVector d11 = FloatVector.fromArray(F, planes, from + row + col);
    FloatVector d12 = FloatVector.fromArray(F, planes, from + row + 2 * col);
    FloatVector d13 = FloatVector.fromArray(F, planes, from + row + 3 * col);
    FloatVector d20 = FloatVector.fromArray(F, planes, from + 2 * row);
    FloatVector d21 = FloatVector.fromArray(F, planes, from + 2 * row + col);
    FloatVector d22 = FloatVector.fromArray(F, planes, from + 2 * row + 2 * col);
    FloatVector d23 = FloatVector.fromArray(F, planes, from + 2 * row + 3 * col);
    FloatVector d30 = FloatVector.fromArray(F, planes, from + 3 * row);
    FloatVector d31 = FloatVector.fromArray(F, planes, from + 3 * row + col);
    FloatVector d32 = FloatVector.fromArray(F, planes, from + 3 * row + 2 * col);
    FloatVector d33 = FloatVector.fromArray(F, planes, from + 3 * row + 3 * col);
    // Bᵀ d, row by row: e0 = d0 - d2, e1 = d1 + d2, e2 = d2 - d1, e3 = d1 - d3
    FloatVector e00 = d00.sub(d20);
    FloatVector e01 = d01.sub(d21);
    FloatVector e02 = d02.sub(d22);
    FloatVector e03 = d03.sub(d23);
    FloatVector e10 = d10.add(d20);
    FloatVector e11 = d11.add(d21);
    FloatVector e12 = d12.add(d22);
    FloatVector e13 = d13.add(d23);
    FloatVector e20 = d20.sub(d10);
    FloatVector e21 = d21.sub(d11);
    FloatVector e22 = d22.sub(d12);
    FloatVector e23 = d23.sub(d13);
    FloatVector e30 = d10.sub(d30);
    FloatVector e31 = d11.sub(d31);
    FloatVector e32 = d12.sub(d32);
    FloatVector e33 = d13.sub(d33);
    // (Bᵀ d) B, the same combinations of each row's columns, to ξ = 4r + s
    e00.sub(e02).intoArray(v, at);
    e01.add(e02).intoArray(v, at + stride);
    e02.sub(e01).intoArray(v, at + 2 * stride);
    e01.sub(e03).intoArray(v, at + 3 * stride);
    e10.sub(e12).intoArray(v, at + 4 * stride);
    e11.add(e12).intoArray(v, at + 5 * stride);
    e12.sub(e11).intoArray(v, at + 6 * stride);
    e11.sub(e13).intoArray(v, at + 7 * stride);
    e20.sub(e22).intoArray(v, at + 8 * stride);
    e21.add(e22).intoArray(v, at + 9 * stride);
    e22.sub(e21).intoArray(v, at + 10 * stride);
    e21.sub(e23).intoArray(v, at + 11 * stride);
    e30.sub(e32).intoArray(v, at + 12 * stride);
    e31.add(e32).intoArray(v, at + 13 * stride);
    e32.sub(e31).intoArray(v, at + 14 * stride);
    e31.sub(e33).intoArray(v, at + 15 * stride);
  }

  /**
   * Rows [rowStart, rowEnd) of the L strips of a block, interleaved from planes[at]: value
   * (r, s) of lane l at {@code planes[at + (r·pw + s)·L + l]}. Lane l's strip is sub-image
   * block·L + l: strip sub % strips of image sub / strips, its padded rows starting at
   * tile·stripRows·strip; the padded plane is channel c of the pass's input, shifted by (padH,
   * padW), zeros around it. The rows that every lane has go through 8x8 transposes in
   * registers where the species has 8 lanes: copied one value at a time, they took as long as
   * the gathers they replace (a JFR profile of probe loops). Lanes that hold no strip get lane
   * 0's values, never written out.
   */
  private static void interleave(Pass p, int c, int block, float[] planes, int at,
      int rowStart, int rowEnd, int[] laneAt) {
    int pw = p.paddedW;
    Arrays.fill(planes, at + rowStart * pw * L, at + rowEnd * pw * L, 0f);
    int cols = Math.min(p.inW, pw - p.padW);
    // strip row r is padded row top + r, which holds input row top + r - padH, if any:
    // laneAt[l] is where input row top - padH would start; [shared, sharedEnd) the rows that
    // every lane with a strip has
    int shared = rowStart;
    int sharedEnd = rowEnd;
    for (int l = 0; l < L; l++) {
      int sub = block * L + l;
      int image = sub / p.strips;
      if (image >= p.batch) {
        // no strip: lane 0's rows (lane 0, the block's first sub-image, always has one)
        laneAt[l] = laneAt[0];
        continue;
      }
      int top = p.tile * p.stripRows * (sub % p.strips);
      laneAt[l] = p.inOff + (image * p.inC + c) * p.inH * p.inW + (top - p.padH) * p.inW;
      shared = Math.max(shared, p.padH - top);
      sharedEnd = Math.min(sharedEnd, p.inH + p.padH - top);
    }
    if (!Transpose8.AVAILABLE || cols < 8) {
      sharedEnd = shared;
    }
    for (int r = shared; r < sharedEnd; r++) {
      int dst = at + (r * pw + p.padW) * L;
      // 8 columns at a time, the last 8 overlapping the ones before where cols is not a multiple
      for (int s = 0; s < cols; s += 8) {
        int from = Math.min(s, cols - 8);
        Transpose8.rows(p.in, laneAt, 0, r * p.inW + from, planes, dst + from * L, L);
      }
    }
    for (int l = 0; l < L; l++) {
      int sub = block * L + l;
      if (sub / p.strips >= p.batch) {
        break;
      }
      int top = p.tile * p.stripRows * (sub % p.strips);
      int start = Math.max(rowStart, p.padH - top);
      int end = Math.min(rowEnd, p.inH + p.padH - top);
      for (int r = start; r < end; r++) {
        if (r == shared && sharedEnd > shared) {
          r = sharedEnd - 1;
          continue;
        }
        int src = laneAt[l] + r * p.inW;
        int dst = at + (r * pw + p.padW) * L + l;
        for (int s = 0; s < cols; s++) {
          planes[dst + s * L] = p.in[src + s];
        }
      }
    }
  }

  /** {@code M[ξ] = U[ξ] · V[ξ]}: every MR x NR tile of the 16 products, by sgemm's kernel. */
  private static void multiply(Pass p, int count, Buffers own) {
    int panels = (count * L + NR - 1) / NR;
    int rowPanels = p.outRows / MR;
    float[] m = own.products;
    for (int xi = 0; xi < p.xi; xi++) {
      int aAt = xi * rowPanels * p.inC * MR;
      int bAt = xi * p.vStride;
      int cAt = xi * p.mStride;
      for (int panel = 0; panel < panels; panel++) {
        for (int row = 0; row < rowPanels; row++) {
          SimdGemm.kernel(p.inC, p.u, aAt + row * p.inC * MR, own.packedV,
              bAt + panel * p.inC * NR, m, cAt + row * MR * p.groupTiles + panel * NR,
              p.groupTiles, 1f, 0f, MR, NR, own.tile);
        }
      }
    }
  }

  /**
   * {@code Y = Aᵀ m A} (+ bias) for every output channel and tile of the chunk, vectors [first,
   * first + count), m the products M[ξ][o][t] (xi, outRows, groupTiles), L tiles at a time in
   * vectors. Where the lanes are L whole images (one strip each, all in the batch), the chunk
   * holds whole rows of tiles and the plane is at least 8 wide, a channel's outputs are staged
   * as the planes of its rows of tiles, a vector of the L images per output (stage[((row·tile +
   * a)·tilesW·tile + column)·L + l]), then written out 8 images by 8 columns at a time through
   * {@link Transpose8}; otherwise each tile's outputs that lie inside the output plane are
   * written one by one. (One by one, the writes took about 9% of the samples of a JFR profile
   * of two-thread CNN steps: 16 loads and stores per tile, each to another image's plane.)
   * Either way each output is the same value, only moved.
   */
  private static void transformOutput(Pass p, int first, int count, Buffers own) {
    float[] m = own.products;
    float[] y = own.outputs;
    int[] tileAt = own.tileAt;
    int flags = p.groupVectors + p.groupTiles;
    int xiStride = p.mStride;
    int plane = p.outH * p.outW;
    float[] out = p.out;
    int w = p.outW;
    boolean staged = Transpose8.AVAILABLE && p.strips == 1 && w >= 8
        && first % p.tilesW == 0 && count % p.tilesW == 0;
    int stageRow = p.tilesW * p.tile * L;
    if (staged) {
      own.stage = grow(own.stage, count * p.tile * p.tile * L);
    }
    float[] stage = own.stage;
    for (int o = 0; o < p.outC; o++) {
      float b = p.bias == null ? 0f : p.bias[p.biasOff + o];
      int channel = p.outOff + o * plane;
      if (p.tile == LARGE_TILE) {
        productColumns6x6(m, o * p.groupTiles, count * L, xiStride, own.columns, p.groupTiles);
      }
      for (int t0 = 0; t0 < count * L; t0 += L) {
        int q = t0 / L;
        boolean toStage = staged && wholeBlock(p, first + q);
        // into the stage at the tile's place (first is at the start of a row of tiles: vector q
        // is in the chunk's row q / tilesW), or into y, output (a, c) at (tile·a + c)·L
        float[] into = toStage ? stage : y;
        int at = toStage ? (q / p.tilesW * p.tile * p.tilesW + q % p.tilesW) * p.tile * L : 0;
        int rowStride = toStage ? stageRow : p.tile * L;
        if (p.tile == LARGE_TILE) {
          productRows6x6(own.columns, t0, p.groupTiles, b, into, at, rowStride);
        } else {
          transformProducts(m, o * p.groupTiles + t0, xiStride, b, into, at, rowStride);
        }
        if (toStage) {
          continue;
        }
        for (int l = 0; l < L; l++) {
          int tile = tileAt[p.groupVectors + t0 + l];
          if (tile < 0) {
            continue;
          }
          int inside = tileAt[flags + t0 + l];
          int dst = channel + tile;
          if (inside == LARGE_TILE * (1 + INSIDE_ROWS)) {
            // a whole 4x4 tile (9 of LeNet's 16 to a plane), written out straight
            out[dst] = y[l];
            out[dst + 1] = y[L + l];
            out[dst + 2] = y[2 * L + l];
            out[dst + 3] = y[3 * L + l];
            out[dst + w] = y[4 * L + l];
            out[dst + w + 1] = y[5 * L + l];
            out[dst + w + 2] = y[6 * L + l];
            out[dst + w + 3] = y[7 * L + l];
            out[dst + 2 * w] = y[8 * L + l];
            out[dst + 2 * w + 1] = y[9 * L + l];
            out[dst + 2 * w + 2] = y[10 * L + l];
            out[dst + 2 * w + 3] = y[11 * L + l];
            out[dst + 3 * w] = y[12 * L + l];
            out[dst + 3 * w + 1] = y[13 * L + l];
            out[dst + 3 * w + 2] = y[14 * L + l];
            out[dst + 3 * w + 3] = y[15 * L + l];
            continue;
          }
          // a tile of F(2x2, 3x3), or one that pokes out of the plane: its rows, each up to
          // its columns inside
          int columns = inside % INSIDE_ROWS;
          int rows = inside / INSIDE_ROWS;
          for (int a = 0; a < rows; a++) {
            int to = dst + a * w;
            int from = a * p.tile * L + l;
            out[to] = y[from];
            if (columns > 1) {
              out[to + 1] = y[from + L];
              if (columns > 2) {
                out[to + 2] = y[from + 2 * L];
                if (columns > 3) {
                  out[to + 3] = y[from + 3 * L];
                }
              }
            }
          }
        }
      }
      if (staged) {
        writeStaged(p, first, count, stage, o);
      }
    }
  }

  /** Whether vector v's lanes are L whole images of the batch (with one strip per image). */
  private static boolean wholeBlock(Pass p, int v) {
    return (v / p.stripPositions + 1) * L <= p.batch;
  }

  /**
   * Channel o's outputs of the chunk's whole blocks from the stage (see {@link
   * #transformOutput}) to the output planes: each row of outputs 8 columns at a time (the last
   * 8 overlapping the ones before where the width is not a multiple of 8), the 8 columns of the
   * 8 images transposed into a run of 8 outputs per image.
   */
  private static void writeStaged(Pass p, int first, int count, float[] stage, int o) {
    int plane = p.outH * p.outW;
    int w = p.outW;
    int stageRow = p.tilesW * p.tile * L;
    for (int row = 0; row < count / p.tilesW; row++) {
      int v = first + row * p.tilesW;
      if (!wholeBlock(p, v)) {
        continue; // written one by one
      }
      int tileRow = v % p.stripPositions / p.tilesW;
      int image = p.outOff + (v / p.stripPositions * L * p.outC + o) * plane;
      for (int a = 0; a < p.tile && tileRow * p.tile + a < p.outH; a++) {
        int r = tileRow * p.tile + a;
        int from = (row * p.tile + a) * stageRow;
        for (int s = 0; ; s += 8) {
          int col = Math.min(s, w - 8);
          Transpose8.rows(stage, STAGE_COLUMNS, 0, from + col * L, p.out, image + r * w + col,
              p.outC * plane);
          if (col == w - 8) {
            break;
          }
        }
      }
    }
  }

  /**
   * Aᵀ m A + b for L tiles: m[at + ξ·stride + l] is position ξ of tile l; writes output (a, b)
   * of tile l to {@code y[to + a·rowStride + b·L + l]}.
   */
  private static void transformProducts(float[] m, int at, int stride, float bias,
      float[] y, int to, int rowStride) {
    FloatVector m00 = FloatVector.fromArray(F, m, at);
    FloatVector m01 = FloatVector.fromArray(F, m, at + stride);
    FloatVector m02 = FloatVector.fromArray(F, m, at + 2 * stride);
    FloatVector m03 = FloatVector.fromArray(F, m, at + 3 * stride);
    FloatVector m10 = FloatVector.fromArray(F, m, at + 4 * stride);
    FloatVector m11 = FloatVector.fromArray(F, m, at + 5 * stride);
    FloatVector m12 = FloatVector.fromArray(F, m, at + 6 * stride);
    FloatVector m13 = FloatVector.fromArray(F, m, at + 7 * stride);
    FloatVector m20 = FloatVector.fromArray(F, m, at + 8 * stride);
    FloatVector m21 = FloatVector.fromArray(F, m, at + 9 * stride);
    FloatVector m22 = FloatVector.fromArray(F, m, at + 10 * stride);
    FloatVector m23 = FloatVector.fromArray(F, m, at + 11 * stride);
    FloatVector m30 = FloatVector.fromArray(F, m, at + 12 * stride);
    FloatVector m31 = FloatVector.fromArray(F, m, at + 13 * stride);
    FloatVector m32 = FloatVector.fromArray(F, m, at + 14 * stride);
    FloatVector m33 = FloatVector.fromArray(F, m, at + 15 * stride);
    // Aᵀ m: row 0 = m0 + m1 + m2, row 1 = m1 - m2 - m3
    FloatVector r00 = m00.add(m10).add(m20);
    FloatVector r01 = m01.add(m11).add(m21);
    FloatVector r02 = m02.add(m12).add(m22);
    FloatVector r03 = m03.add(m13).add(m23);
    FloatVector r10 = m10.sub(m20).sub(m30);
    FloatVector r11 = m11.sub(m21).sub(m31);
    FloatVector r12 = m12.sub(m22).sub(m32);
    FloatVector r13 = m13.sub(m23).sub(m33);
    // times A, the same combinations of each row's columns, then the bias
    FloatVector vb = FloatVector.broadcast(F, bias);
    r00.add(r01).add(r02).add(vb).intoArray(y, to);
    r01.sub(r02).sub(r03).add(vb).intoArray(y, to + L);
    r10.add(r11).add(r12).add(vb).intoArray(y, to + rowStride);
    r11.sub(r12).sub(r13).add(vb).intoArray(y, to + rowStride + L);
  }

  /**
   * F(4x4, 3x3)'s {@code Bᵀ d B} for the L 6x6 patches of a vector of tiles: value (r, s) of
   * the patches is the vector at {@code planes[from + r·row + s·L]}; writes position ξ = 6i +
   * k of lane l to {@code v[at + ξ·stride + l]}. With
   * <pre>
   *   Bᵀ = | 4  0 -5  0  1  0 |
   *        | 0 -4 -4  1  1  0 |
   *        | 0  4 -4 -1  1  0 |
   *        | 0 -2 -1  2  1  0 |
   *        | 0  2 -1 -2  1  0 |
   *        | 0  4  0 -5  0  1 |
   * </pre>
   * first down each column into {@code halfway} (6 x 6 vectors: 36 live vectors would not fit
   * the 16 registers), then along each of its rows.
   */
  private static void transformPatches6x6(float[] planes, int from, int row, float[] v,
      int at, int stride, float[] halfway) {
    FloatVector four = FloatVector.broadcast(F, 4f);
    FloatVector minusFour = FloatVector.broadcast(F, -4f);
    FloatVector minusFive = FloatVector.broadcast(F, -5f);
    for (int pass = 0; pass < 2; pass++) {
      // pass 0: column s of the patches to column s of Bᵀ d; pass 1: row s of Bᵀ d to
      // positions 6s .. 6s + 5
      float[] src = pass == 0 ? planes : halfway;
      int step = pass == 0 ? row : L;
      for (int s = 0; s < 6; s++) {
        int in = pass == 0 ? from + s * L : 6 * s * L;
        FloatVector d0 = FloatVector.fromArray(F, src, in);
        FloatVector d1 = FloatVector.fromArray(F, src, in + step);
        FloatVector d2 = FloatVector.fromArray(F, src, in + 2 * step);
        FloatVector d3 = FloatVector.fromArray(F, src, in + 3 * step);
        FloatVector d4 = FloatVector.fromArray(F, src, in + 4 * step);
        FloatVector d5 = FloatVector.fromArray(F, src, in + 5 * step);
        // rows 1, 2 = (d4 - 4 d2) ± (d3 - 4 d1); rows 3, 4 = (d4 - d2) ± 2 (d3 - d1)
        FloatVector u = d2.fma(minusFour, d4);
        FloatVector w = d1.fma(minusFour, d3);
        FloatVector e = d4.sub(d2);
        FloatVector z = d3.sub(d1).mul(2f);
        FloatVector t0 = d0.fma(four, d2.fma(minusFive, d4));
        FloatVector t5 = d1.fma(four, d3.fma(minusFive, d5));
        float[] dst = pass == 0 ? halfway : v;
        int to = pass == 0 ? s * L : at + 6 * s * stride;
        int next = pass == 0 ? 6 * L : stride;
        t0.intoArray(dst, to);
        u.add(w).intoArray(dst, to + next);
        u.sub(w).intoArray(dst, to + 2 * next);
        e.add(z).intoArray(dst, to + 3 * next);
        e.sub(z).intoArray(dst, to + 4 * next);
        t5.intoArray(dst, to + 5 * next);
      }
    }
  }

  /**
   * The first half of F(4x4, 3x3)'s {@code Aᵀ m A}: {@code Aᵀ m} for one output channel's
   * tiles [0, tiles), m[at + ξ·stride + t] position ξ = 6i + k of tile t, into {@code
   * columns[(6a + k)·columnStride + t]} (row a of Aᵀ m, column k), with
   * <pre>
   *   Aᵀ = | 1  1  1  1  1  0 |
   *        | 0  1 -1  2 -2  0 |
   *        | 0  1  1  4  4  0 |
   *        | 0  1 -1  8 -8  1 |
   * </pre>
   * A column of m at a time for all the tiles, so that the loads run along 6 rows of M rather
   * than 36 (more streams than the hardware prefetchers follow: tile by tile, the whole
   * transform took about as long as the products it saved, in a JFR profile of probe loops,
   * and the forward ran 1.01-1.05x as fast as with F(2x2, 3x3), 1.07-1.10x this way).
   */
  private static void productColumns6x6(float[] m, int at, int tiles, int stride,
      float[] columns, int columnStride) {
    for (int k = 0; k < 6; k++) {
      for (int t = 0; t < tiles; t += L) {
        outputTransform6(m, at + k * stride + t, 6 * stride, columns, k * columnStride + t,
            6 * columnStride);
      }
    }
  }

  /**
   * The second half: {@code (Aᵀ m) A + b} for L tiles from {@link #productColumns6x6}'s
   * columns (tiles t .. t + L - 1); writes output (a, c) of tile t + l to {@code y[to +
   * a·rowStride + c·L + l]}.
   */
  private static void productRows6x6(float[] columns, int t, int columnStride, float bias,
      float[] y, int to, int rowStride) {
    FloatVector vb = FloatVector.broadcast(F, bias);
    for (int a = 0; a < 4; a++) {
      int row = to + a * rowStride;
      outputTransform6(columns, 6 * a * columnStride + t, columnStride, y, row, L);
      for (int i = row; i < row + 4 * L; i += L) {
        FloatVector.fromArray(F, y, i).add(vb).intoArray(y, i);
      }
    }
  }

  /**
   * Aᵀ times 6 vectors, {@code src[in + r·step]} for r in [0, 6), into 4 vectors at {@code
   * dst[to + a·next]}: one column of F(4x4, 3x3)'s products, or one row of Aᵀ m.
   */
  private static void outputTransform6(float[] src, int in, int step, float[] dst, int to,
      int next) {
    FloatVector m0 = FloatVector.fromArray(F, src, in);
    FloatVector m1 = FloatVector.fromArray(F, src, in + step);
    FloatVector m2 = FloatVector.fromArray(F, src, in + 2 * step);
    FloatVector m3 = FloatVector.fromArray(F, src, in + 3 * step);
    FloatVector m4 = FloatVector.fromArray(F, src, in + 4 * step);
    FloatVector m5 = FloatVector.fromArray(F, src, in + 5 * step);
    FloatVector sum12 = m1.add(m2);
    FloatVector diff12 = m1.sub(m2);
    FloatVector sum34 = m3.add(m4);
    FloatVector diff34 = m3.sub(m4);
    m0.add(sum12).add(sum34).intoArray(dst, to);
    diff34.fma(FloatVector.broadcast(F, 2f), diff12).intoArray(dst, to + next);
    sum34.fma(FloatVector.broadcast(F, 4f), sum12).intoArray(dst, to + 2 * next);
    diff34.fma(FloatVector.broadcast(F, 8f), diff12).add(m5).intoArray(dst, to + 3 * next);
  }

  /**
   * {@link #backward}'s job: items [0, parts) are the weight gradient's parts, the rest the
   * input gradient's chunks.
   */
  private static final class Both implements RangeBody {
    Pass weights;
    Pass data;

    @Override
    public void run(int start, int end) {
      for (int i = start; i < end; i++) {
        if (i < weights.parts) {
          weights.run(i, i + 1);
        } else {
          data.run(i - weights.parts, i - weights.parts + 1);
        }
      }
    }
  }

  /** One thread's buffers, grown once to the largest pass it has run. */
  private static final class Buffers {
    float[] weights = new float[0];
    /** The weight gradient's parts' W, apart from the weights that an input gradient uses. */
    float[] partials = new float[0];
    float[] planes = new float[0];
    float[] packedV = new float[0];
    /** The products M; in the weight gradient, the packed transformed dy. */
    float[] products = new float[0];
    /** The weight gradient's interleaved dy (images, 2·tilesH, 2·tilesW, dyChannels). */
    float[] gradients = new float[0];
    int[] tileAt = new int[0];
    /** The weight gradient's sums of dy planes, see {@link Pass#runSums}. */
    float[] runSums = new float[0];
    /** Where each channel's plane of an image starts, for {@link #interleaveChannels}. */
    int[] channelAt = new int[0];
    /** Where each lane's rows start in the input, for {@link #interleave}. */
    final int[] laneAt = new int[L];
    /** The tail of a plane's sum, see {@link Tail}. */
    final float[] tail = new float[L];
    /** A channel's outputs of a chunk's rows of tiles, see {@link #transformOutput}. */
    float[] stage = new float[0];
    /** L tiles' outputs, up to 4x4: y[(tile·a + b)·L + l]. */
    final float[] outputs = new float[LARGE_TILE * LARGE_TILE * L];
    /** F(4x4, 3x3)'s output transform's first half for a channel's tiles (4, 6, groupTiles). */
    float[] columns = new float[0];
    /** F(4x4, 3x3)'s input transform's first half for L tiles (6 x 6 vectors). */
    final float[] halfway = new float[36 * L];
    /** (24 G) g for {@link #transformWeights6x6}. */
    final double[] weightRows = new double[18];
    /** The micro-kernel's edge buffer: the weight gradient's last row and column panels. */
    final float[] tile = new float[MR * NR];
  }

  /**
   * One convolution in Winograd's terms: an input (N, inC, inH, inW) padded by padH, padW into
   * an output (N, outC, outH, outW), covered by tilesH x tilesW tiles of 2x2 per image, with
   * the transformed weights u (those of the calling thread). Per thread and reused, so that a
   * call allocates nothing.
   *
   * <p>The order of the tiles in the forward and input gradient: each image is cut into
   * {@link #strips} strips of {@link #stripRows} rows of tiles (the last may be shorter, or
   * empty), sub-image u being strip u % strips of image u / strips; blocks of L sub-images
   * side by side make the vectors' lanes, and vector q holds position q % stripPositions of the
   * strips of block q / stripPositions.
   */
  private static final class Pass implements RangeBody {
    private final WinogradConv conv;
    int batch;
    int inC;
    int inH;
    int inW;
    int outC;
    /** outC rounded up to MR: the products' rows. */
    int outRows;
    int outH;
    int outW;
    int padH;
    int padW;
    /**
     * Outputs per tile side (2: F(2x2, 3x3), 4: F(4x4, 3x3); the weight gradient's F(3x3, 2x2)
     * tiles dy by 2), and positions ξ of a transformed tile, (tile + 2)².
     */
    int tile;
    int xi;
    int tilesH;
    int tilesW;
    int tilesPerImage;
    /** Strips per image, rows of tiles per strip, and tile positions per strip. */
    int strips;
    int stripRows;
    int stripPositions;
    /** Padded rows of a strip, and its padded plane (stripH, paddedW). */
    int stripH;
    int stripPlane;
    /** Vectors of L tiles in the forward's order, blocks of L strips times stripPositions. */
    int vectors;
    /**
     * Floats from one position ξ to the next in a group's V (inC·groupTiles) and M
     * (outRows·groupTiles), each a cache line more: without it the 16 values of a tile, a
     * multiple of 4 KiB apart for LeNet's second layer, all fall in one set of the L1 cache,
     * which holds 8. (What it gained was within the noise of probe loops.)
     */
    int vStride;
    int mStride;
    /** The zero-bordered plane that the tiles cover: (tile·tilesH + 2, tile·tilesW + 2). */
    int paddedH;
    int paddedW;
    int tiles;
    int groups;
    /**
     * What the threads take: chunk i is vectors [chunkAt[i], chunkAt[i + 1]), see {@link
     * #cutChunks}.
     */
    int chunks;
    int[] chunkAt = new int[0];
    /** Vectors and tiles per group, see {@link #groupVectors(int, int, int, int)}. */
    int groupVectors;
    int groupTiles;
    /** The weight gradient: its parts, tiles per part and tiles per chunk. */
    boolean gradient;
    int parts;
    int partTiles;
    int chunkTiles;
    /**
     * Channels per pixel of its interleaved x (inC rounded up to NR) and dy (enough for the
     * last A panel's vectors, which read up to L - 1 channels past its MR).
     */
    int xChannels;
    int dyChannels;
    /** The weight gradient's dw, which {@link #weightGradientRows} adds to. */
    float[] dw;
    int dwOff;
    final RangeBody weightGradientRows = this::finishWeightGradientRows;
    /** The weights that {@link #weightPanels} transforms, see {@link #convolve}. */
    float[] weightsIn;
    int weightsOff;
    boolean turned;
    final RangeBody weightPanels = this::transformWeightPanels;
    // a lone part's current chunk, whose products the pool's threads share
    final RangeBody positions = this::multiplyPositions;
    int chunkCount;
    float chunkBeta;
    float[] packedX;
    float[] packedDy;
    /**
     * The weight gradient's bias: the sum of each dy plane (image n, channel o at [n·outC +
     * o]), or null.
     */
    float[] runSums;
    /** Forward: the transformed weights; weight gradient: the parts' W (16, out, C) each. */
    float[] u;
    float[] in;
    int inOff;
    float[] out;
    int outOff;
    float[] bias;
    int biasOff;

    Pass(WinogradConv conv) {
      this.conv = conv;
    }

    /**
     * The convolution g as it is, its input into its output (forward, weight gradient), in
     * output tiles of tile x tile.
     */
    Pass set(Conv2dGeometry g, int tile) {
      return set(g.batch(), g.inChannels(), g.height(), g.width(), g.outChannels(),
          g.outHeight(), g.outWidth(), g.padH(), g.padW(), tile);
    }

    Pass set(int batch, int inC, int inH, int inW, int outC, int outH, int outW, int padH,
        int padW, int tile) {
      this.tile = tile;
      this.xi = (tile + 2) * (tile + 2);
      this.batch = batch;
      this.inC = inC;
      this.inH = inH;
      this.inW = inW;
      this.outC = outC;
      this.outRows = (outC + MR - 1) / MR * MR;
      this.outH = outH;
      this.outW = outW;
      this.padH = padH;
      this.padW = padW;
      tilesH = (outH + tile - 1) / tile;
      tilesW = (outW + tile - 1) / tile;
      tilesPerImage = tilesH * tilesW;
      paddedH = tile * tilesH + 2;
      paddedW = tile * tilesW + 2;
      tiles = batch * tilesPerImage;
      strips = strips(batch, tilesH);
      stripRows = (tilesH + strips - 1) / strips;
      stripPositions = stripRows * tilesW;
      stripH = tile * stripRows + 2;
      stripPlane = stripH * paddedW;
      vectors = (batch * strips + L - 1) / L * stripPositions;
      groupVectors = groupVectors(tilesW, inC, outRows, xi);
      groupTiles = groupVectors * L;
      groups = (vectors + groupVectors - 1) / groupVectors;
      vStride = inC * groupTiles + CACHE_LINE;
      mStride = outRows * groupTiles + CACHE_LINE;
      bias = null;
      gradient = false;
      return this;
    }

    /** Cuts the pass's vectors into chunks for this many threads, see {@link #chunks}. */
    void cutChunks(int threads) {
      chunkAt = grow(chunkAt, groups + threads + 1);
      chunks = chunks(vectors, groupVectors, threads, chunkAt);
    }

    void clear() {
      u = in = out = bias = packedX = packedDy = runSums = weightsIn = dw = null;
    }

    /** The weight gradient's outputs [start, end), on whichever thread runs them. */
    private void finishWeightGradientRows(int start, int end) {
      conv.finishWeightGradient(this, start, end);
    }

    /** F(4x4, 3x3)'s U for output panels [start, end), on whichever thread runs them. */
    private void transformWeightPanels(int start, int end) {
      transformWeights6x6(this, weightsIn, weightsOff, turned, conv.buffers.get().weightRows,
          start, end);
    }

    /** Positions [start, end) of a lone part's chunk (part 0), on whichever thread runs it. */
    private void multiplyPositions(int start, int end) {
      multiplyGradient(this, 0, chunkCount, chunkBeta, packedX, packedDy,
          conv.buffers.get().tile, start, end);
    }

    @Override
    public void run(int start, int end) {
      for (int i = start; i < end; i++) {
        if (gradient) {
          conv.gradientPart(this, i);
        } else {
          conv.group(this, i);
        }
      }
    }
  }
}
