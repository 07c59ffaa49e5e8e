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
 *   <li>backwardWeights: {@code dw += DY·colᵀ}, one product of depth t·P per tile, and
 *       {@code db += Σ dy}; the columns are recomputed rather than kept from the forward pass.
 * </ul>
 * Why tiles: a small CNN's per-image products are small (LeNet's second layer: 64 x 196 x 288)
 * and the GEMM's fixed costs (packing w, edge tiles, short k loops) weigh on each; a tile of
 * t images makes one product t times wider or deeper. t is a power of two with t·P ≤
 * {@link #TILE_COLUMNS} (at least 1), fixed by the geometry alone.
 *
 * <p>A 1x1 convolution with stride 1 and no padding skips im2col: each image is its own col,
 * one image per tile.
 *
 * <p>Memory: per thread, one tile's columns (C·kh·kw × t·P floats) and its (out × t·P) block of
 * y or dy, in {@link Scratch} buffers that grow once; never the batch's.
 *
 * <p>Threads and determinism: forward and backwardData hand whole tiles to the threads when
 * there are at least as many tiles as threads, else run the tiles in order and let each product
 * split itself; either way every output element is computed by the same operations (the GEMM is
 * bit for bit the same for any thread count). backwardWeights runs the tiles in order, each tile's
 * im2col split over its images and channels, each product split by the GEMM, so dw is summed in
 * one fixed order: the result is bit for bit the same for any thread count.
 */
public final class Im2colConv implements ConvKernels {
  /** The widest tile, in columns: lenet2's 14x14 outputs go 4 images to a tile. */
  static final int TILE_COLUMNS = Integer.getInteger("lanes.conv.tileColumns", 1024);

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
    Task t = tasks.get().set(Op.IM2COL, g);
    t.x = x;
    t.xOff = xOff;
    int k = g.patchSize();
    int plane = g.outPlane();
    int out = g.outChannels();
    int per = tileImages(g);
    try {
      for (int first = 0; first < g.batch(); first += per) {
        int images = Math.min(per, g.batch() - first);
        int width = images * plane;
        float[] col;
        int colOff;
        if (g.isPointwise()) {
          col = x;
          colOff = xOff + first * g.imageSize();
        } else {
          // the tile's columns, split over (image, channel) pairs
          col = columns.get().floats(k * width);
          colOff = 0;
          t.col = col;
          t.first = first;
          t.images = images;
          Parallel.parallelFor(images * g.inChannels(), Math.max(1, g.inChannels() / 2), t);
        }
        float[] dyTile;
        int dyTileOff;
        if (images == 1) {
          dyTile = dy;
          dyTileOff = dyOff + first * out * plane;
        } else {
          dyTile = blocks.get().floats(out * width);
          dyTileOff = 0;
          gather(dyTile, dy, dyOff, first, images, out, plane);
        }
        // dw (out, k) += DY (out, t·P) · colᵀ (t·P, k)
        gemm.sgemm(false, true, out, k, width, 1f, dyTile, dyTileOff, width, col, colOff, width,
            1f, dw, dwOff, k);
      }
    } finally {
      t.clear();
    }
    if (dBias != null) {
      reductions.addChannelSums(dBias, dBiasOff, dy, dyOff, g.batch(), out, plane);
    }
  }

  private void runOverTiles(Task t) {
    Conv2dGeometry g = t.g;
    int per = tileImages(g);
    int tiles = (g.batch() + per - 1) / per;
    t.first = per; // images per tile, for run()
    try {
      if (Parallel.threads() > 1 && tiles >= Parallel.threads()) {
        Parallel.parallelFor(tiles, 1, t);
      } else {
        t.run(0, tiles);
      }
    } finally {
      t.clear();
    }
  }

  private enum Op { FORWARD, BACKWARD_DATA, IM2COL }

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
    // FORWARD, BACKWARD_DATA: first = images per tile; IM2COL: the tile's first image and size
    int first;
    int images;
    float[] col;

    Task(Im2colConv conv) {
      this.conv = conv;
    }

    Task set(Op op, Conv2dGeometry g) {
      this.op = op;
      this.g = g;
      return this;
    }

    void clear() {
      y = x = w = bias = col = null;
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
        case IM2COL -> {
          // items are (image, channel) pairs of the tile, channel fastest
          int channels = g.inChannels();
          int width = images * g.outPlane();
          for (int item = start; item < end; ) {
            int i = item / channels;
            int c0 = item % channels;
            int c1 = Math.min(channels, c0 + (end - item));
            Im2col.im2col(col, i * g.outPlane(), width, x, xOff + (first + i) * g.imageSize(),
                g, c0, c1);
            item += c1 - c0;
          }
        }
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
