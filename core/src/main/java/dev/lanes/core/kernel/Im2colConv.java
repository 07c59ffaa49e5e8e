package dev.lanes.core.kernel;

import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;

/**
 * Convolution as im2col plus matrix multiply (the fast path; {@code ScalarConv} is the
 * reference), on tiles of a few images. With P = outH·outW, a tile of t images has its columns
 * side by side in one matrix col (C·kh·kw, t·P), image i in columns [i·P, (i+1)·P):
 * <ul>
 *   <li>forward: {@code Y = w·col} (out, t·P), then each image's block of Y is copied to y and
 *       the bias added;
 *   <li>backwardData: {@code col = wᵀ·DY}, DY (out, t·P) the tile's dy side by side, then
 *       {@code dx = col2im(col)} per image;
 *   <li>backwardWeights: {@code dw += dy·colᵀ} image by image, dw cut into blocks of rows
 *       and columns (below), and {@code db += Σ dy}; the columns are recomputed rather than
 *       kept from the forward pass.
 * </ul>
 * Why tiles: a small CNN's per-image products are small (LeNet's second layer: 64 x 196 x 288)
 * and the GEMM's fixed costs (packing w, edge tiles, short k loops) weigh on each; a tile of
 * t images makes one product t times wider. t is a power of two with t·P ≤
 * {@link #TILE_COLUMNS} (at least 1), fixed by the geometry alone. backwardWeights takes no
 * tiles: its k is the image's P pixels, deep enough, and a tile would need dy gathered.
 *
 * <p>A 1x1 convolution with stride 1 and no padding skips im2col: each image is its own col,
 * one image per tile.
 *
 * <p>Memory: per thread, one tile's columns (C·kh·kw × t·P floats) and its (out × t·P) block of
 * y or dy (backwardWeights: one group's rows of one image's columns), in {@link Scratch}
 * buffers that grow once; never the batch's.
 *
 * <p>Threads and determinism: forward and backwardData hand whole tiles to the threads, one
 * at a time to whichever is free, when there are at least as many tiles as threads, else run
 * the tiles in order and let each product split itself; either way every output element is
 * computed by the same operations (the GEMM is bit for bit the same for any thread count).
 * backwardWeights cuts dw into blocks fixed by the geometry (groups of about
 * {@link #GROUP_COLUMNS} columns, and of rows when there are fewer than {@link #MIN_BLOCKS}
 * groups) and gives each thread whole blocks over all images: one hand-off per call, no
 * reduction, and every element summed in one fixed order. Before, it ran tiles of images in
 * order, each with a parallel im2col, a serial gather of dy and a split product: two hand-offs
 * per tile and a serial part.
 */
public final class Im2colConv implements ConvKernels {
  /** The widest tile, in columns: lenet2's 14x14 outputs go 4 images to a tile. */
  static final int TILE_COLUMNS = Integer.getInteger("lanes.conv.tileColumns", 1024);
  /**
   * Columns of dw per block in backwardWeights (16 input channels of a 3x3 kernel): wide enough
   * that repacking dy for each block costs little beside the product.
   */
  static final int GROUP_COLUMNS = 144;
  /** backwardWeights splits dw's rows when it has fewer groups of columns than this. */
  static final int MIN_BLOCKS = 2;
  /** The fewest rows of dw in a block. */
  static final int MIN_ROWS = 8;

  private final GemmKernel gemm;
  private final ElementwiseKernels elementwise;
  private final ReductionKernels reductions;
  private final ThreadLocal<Scratch> columns = ThreadLocal.withInitial(Scratch::new);
  private final ThreadLocal<Scratch> blocks = ThreadLocal.withInitial(Scratch::new);
  private final ThreadLocal<Task> tasks = ThreadLocal.withInitial(() -> new Task(this));

  public Im2colConv(GemmKernel gemm, ElementwiseKernels elementwise, ReductionKernels reductions) {
    this.gemm = gemm;
    this.elementwise = elementwise;
    this.reductions = reductions;
  }

  /** Images per tile: a power of two, t·P ≤ TILE_COLUMNS, at most the batch; 1 for 1x1. */
  static int tileImages(Conv2dGeometry g) {
    if (g.isPointwise()) {
      return 1;
    }
    int t = 1;
    while (2L * t * g.outPlane() <= TILE_COLUMNS && t < g.batch()) {
      t *= 2;
    }
    return t;
  }

  @Override
  public void forward(float[] y, int yOff, float[] x, int xOff, float[] w, int wOff,
      float[] bias, int biasOff, Conv2dGeometry g) {
    Task t = tasks.get().set(Op.FORWARD, g);
    t.y = y;
    t.yOff = yOff;
    t.x = x;
    t.xOff = xOff;
    t.w = w;
    t.wOff = wOff;
    t.bias = bias;
    t.biasOff = biasOff;
    runOverTiles(t);
  }

  @Override
  public void backwardData(float[] dx, int dxOff, float[] dy, int dyOff, float[] w, int wOff,
      Conv2dGeometry g) {
    Task t = tasks.get().set(Op.BACKWARD_DATA, g);
    t.x = dx;
    t.xOff = dxOff;
    t.y = dy;
    t.yOff = dyOff;
    t.w = w;
    t.wOff = wOff;
    runOverTiles(t);
  }

  @Override
  public void backwardWeights(float[] dw, int dwOff, float[] dBias, int dBiasOff, float[] dy,
      int dyOff, float[] x, int xOff, Conv2dGeometry g) {
    Task t = tasks.get().set(Op.WEIGHTS, g);
    t.x = x;
    t.xOff = xOff;
    t.y = dy;
    t.yOff = dyOff;
    t.w = dw;
    t.wOff = dwOff;
    t.bias = dBias;
    t.biasOff = dBiasOff;
    try {
      // each thread owns whole blocks of dw (and the bias gradient of its first group's rows)
      // and runs every image over them: one hand-off per call, and no two threads add into
      // the same element
      Parallel.parallelFor(groups(g) * rowBlocks(g), 1, t);
    } finally {
      t.clear();
    }
  }

  /** Input channels per block of dw's columns: about GROUP_COLUMNS patch columns. */
  static int groupChannels(Conv2dGeometry g) {
    int kk = g.kernelH() * g.kernelW();
    return Math.max(1, Math.min(g.inChannels(), GROUP_COLUMNS / kk));
  }

  /** Blocks of dw's columns: groups of groupChannels input channels. */
  static int groups(Conv2dGeometry g) {
    int cg = groupChannels(g);
    return (g.inChannels() + cg - 1) / cg;
  }

  /**
   * Blocks of dw's rows (output channels): one, unless there are fewer than MIN_BLOCKS groups
   * of columns (a first layer's one input channel), then enough of at least MIN_ROWS rows.
   */
  static int rowBlocks(Conv2dGeometry g) {
    int groups = groups(g);
    if (groups >= MIN_BLOCKS) {
      return 1;
    }
    int wanted = (MIN_BLOCKS + groups - 1) / groups;
    return Math.max(1, Math.min(wanted, g.outChannels() / MIN_ROWS));
  }

  /**
   * The blocks [start, end) of dw, numbered group-major: {@code dw[rows, group's columns] +=
   * Σ_images dy[rows] · colᵀ}, image by image in order. Per image and group the group's rows
   * of col are made once (a thread's blocks of one group share them), and dy is read where it
   * lies, so no tile of dy is gathered. The blocks of the first group also add their rows'
   * sums of dy into the bias gradient, image by image (a serial pass over all of dy after the
   * blocks held up the other thread: lenet1's dy is 1.6 M floats). Each element of dw and db
   * gets the same terms in the same order whichever thread owns its block, because the blocks
   * depend on the geometry only.
   */
  private void weightBlocks(Task t, int start, int end) {
    Conv2dGeometry g = t.g;
    int kk = g.kernelH() * g.kernelW();
    int k = g.patchSize();
    int plane = g.outPlane();
    int out = g.outChannels();
    int cg = groupChannels(g);
    int rowBlocks = rowBlocks(g);
    int rb = (out + rowBlocks - 1) / rowBlocks;
    float[] col = g.isPointwise() ? null : columns.get().floats(cg * kk * plane);
    for (int n = 0; n < g.batch(); n++) {
      int xImage = t.xOff + n * g.imageSize();
      int made = -1; // the group whose rows col holds for this image
      for (int block = start; block < end; block++) {
        int q = block / rowBlocks;
        int c0 = q * cg;
        int c1 = Math.min(g.inChannels(), c0 + cg);
        int r0 = (block % rowBlocks) * rb;
        int r1 = Math.min(out, r0 + rb);
        float[] b;
        int bOff;
        if (g.isPointwise()) {
          b = t.x;
          bOff = xImage + c0 * plane;
        } else {
          if (q != made) {
            // im2col writes channel c at row c·kk of its output: shift the origin back so
            // that channel c0 lands on row 0 of this thread's buffer
            Im2col.im2col(col, -c0 * kk * plane, plane, t.x, xImage, g, c0, c1);
            made = q;
          }
          b = col;
          bOff = 0;
        }
        int dyRows = t.yOff + (n * out + r0) * plane;
        // dw[r0:r1, c0·kk : c1·kk] += dy[n][r0:r1] (rows, P) · colᵀ (P, (c1 - c0)·kk)
        gemm.sgemm(false, true, r1 - r0, (c1 - c0) * kk, plane, 1f, t.y, dyRows, plane, b,
            bOff, plane, 1f, t.w, t.wOff + r0 * k + c0 * kk, k);
        if (q == 0 && t.bias != null) {
          // db[r0:r1] += Σ_P dy[n][r0:r1]
          reductions.addChannelSums(t.bias, t.biasOff + r0, t.y, dyRows, 1, r1 - r0, plane);
        }
      }
    }
  }

  private void runOverTiles(Task t) {
    Conv2dGeometry g = t.g;
    int per = tileImages(g);
    int tiles = (g.batch() + per - 1) / per;
    t.first = per; // images per tile, for run()
    try {
      if (Parallel.threads() > 1 && tiles >= Parallel.threads()) {
        // a tile at a time to whichever thread is free: one held up by another process
        // leaves its remaining tiles to the others
        Parallel.parallelForDynamic(tiles, 1, t);
      } else {
        t.run(0, tiles);
      }
    } finally {
      t.clear();
    }
  }

  private enum Op { FORWARD, BACKWARD_DATA, WEIGHTS }

  /**
   * The arguments of one call, kept in a per-thread object rather than captured by a lambda, so
   * that a call allocates nothing. x/y/w name the arrays in forward's roles: for backwardData x
   * is dx and y is dy.
   */
  private static final class Task implements RangeBody {
    private final Im2colConv conv;
    Op op;
    Conv2dGeometry g;
    float[] y;
    int yOff;
    float[] x;
    int xOff;
    float[] w;
    int wOff;
    float[] bias;
    int biasOff;
    // FORWARD, BACKWARD_DATA: images per tile
    int first;

    Task(Im2colConv conv) {
      this.conv = conv;
    }

    Task set(Op op, Conv2dGeometry g) {
      this.op = op;
      this.g = g;
      return this;
    }

    void clear() {
      y = x = w = bias = null;
      g = null;
    }

    @Override
    public void run(int start, int end) {
      switch (op) {
        case FORWARD -> {
          for (int tile = start; tile < end; tile++) {
            int n = tile * first;
            conv.forwardTile(this, n, Math.min(first, g.batch() - n));
          }
        }
        case BACKWARD_DATA -> {
          for (int tile = start; tile < end; tile++) {
            int n = tile * first;
            conv.backwardDataTile(this, n, Math.min(first, g.batch() - n));
          }
        }
        case WEIGHTS -> conv.weightBlocks(this, start, end);
      }
    }
  }

  /** Copies images [first, first + images) of a (N, out, P) array side by side: (out, t·P). */
  private static void gather(float[] to, float[] from, int fromOff, int first, int images,
      int out, int plane) {
    int width = images * plane;
    for (int i = 0; i < images; i++) {
      int src = fromOff + (first + i) * out * plane;
      for (int o = 0; o < out; o++) {
        System.arraycopy(from, src + o * plane, to, o * width + i * plane, plane);
      }
    }
  }

  private void forwardTile(Task t, int first, int images) {
    Conv2dGeometry g = t.g;
    int k = g.patchSize();
    int plane = g.outPlane();
    int out = g.outChannels();
    int width = images * plane;
    int yFirst = t.yOff + first * out * plane;
    float[] col;
    int colOff;
    if (g.isPointwise()) {
      col = t.x;
      colOff = t.xOff + first * g.imageSize();
    } else {
      col = columns.get().floats(k * width);
      colOff = 0;
      for (int i = 0; i < images; i++) {
        Im2col.im2col(col, i * plane, width, t.x, t.xOff + (first + i) * g.imageSize(), g, 0,
            g.inChannels());
      }
    }
    if (images == 1) {
      // y (out, P) = w (out, k) · col (k, P), straight into y
      gemm.sgemm(false, false, out, plane, k, 1f, t.w, t.wOff, k, col, colOff, plane, 0f, t.y,
          yFirst, plane);
    } else {
      // Y (out, t·P) = w (out, k) · col (k, t·P), then each image's block of Y into y
      float[] block = blocks.get().floats(out * width);
      gemm.sgemm(false, false, out, width, k, 1f, t.w, t.wOff, k, col, colOff, width, 0f, block,
          0, width);
      for (int i = 0; i < images; i++) {
        int dst = yFirst + i * out * plane;
        for (int o = 0; o < out; o++) {
          System.arraycopy(block, o * width + i * plane, t.y, dst + o * plane, plane);
        }
      }
    }
    if (t.bias != null) {
      elementwise.addChannelBias(t.y, yFirst, t.bias, t.biasOff, images, out, plane);
    }
  }

  private void backwardDataTile(Task t, int first, int images) {
    Conv2dGeometry g = t.g;
    int k = g.patchSize();
    int plane = g.outPlane();
    int out = g.outChannels();
    int width = images * plane;
    int dxFirst = t.xOff + first * g.imageSize();
    float[] dyTile;
    int dyTileOff;
    if (images == 1) {
      dyTile = t.y;
      dyTileOff = t.yOff + first * out * plane;
    } else {
      dyTile = blocks.get().floats(out * width);
      dyTileOff = 0;
      gather(dyTile, t.y, t.yOff, first, images, out, plane);
    }
    if (g.isPointwise()) {
      // dx (C, P) = wᵀ (C, out) · dy (out, P)
      gemm.sgemm(true, false, k, plane, out, 1f, t.w, t.wOff, k, dyTile, dyTileOff, plane, 0f,
          t.x, dxFirst, plane);
      return;
    }
    // col (k, t·P) = wᵀ (k, out) · DY (out, t·P), then col2im image by image
    float[] col = columns.get().floats(k * width);
    gemm.sgemm(true, false, k, width, out, 1f, t.w, t.wOff, k, dyTile, dyTileOff, width, 0f, col,
        0, width);
    for (int i = 0; i < images; i++) {
      int dxImage = dxFirst + i * g.imageSize();
      elementwise.fill(t.x, dxImage, 0f, g.imageSize());
      Im2col.col2im(t.x, dxImage, col, i * plane, width, g, elementwise, true);
    }
  }
}
