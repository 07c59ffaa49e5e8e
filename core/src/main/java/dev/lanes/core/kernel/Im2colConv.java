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
 *   <li>backwardWeights: {@code dw += Σ dy·colᵀ} over the images, in parts of the batch with
 *       a partial sum each (below), and {@code db += Σ dy}; the columns are recomputed rather
 *       than kept from the forward pass.
 * </ul>
 * Why tiles: a small CNN's per-image products are small (LeNet's second layer: 64 x 196 x 288)
 * and the GEMM's fixed costs (packing w, edge tiles, short k loops) weigh on each; a tile of
 * t images makes one product t times wider. t is a power of two with t·P ≤
 * {@link #TILE_COLUMNS} (at least 1), fixed by the geometry alone. backwardWeights takes no
 * tiles: its k is the image's P pixels, deep enough.
 *
 * <p>A 1x1 convolution with stride 1 and no padding skips im2col: each image is its own col,
 * one image per tile.
 *
 * <p>Memory: per thread, one tile's columns (C·kh·kw × t·P floats) and its (out × t·P) block of
 * y or dy (backwardWeights: one image's columns), in {@link Scratch} buffers that grow once;
 * never the batch's. backwardWeights adds one partial dw and db per part of the batch (at most
 * {@link #MAX_PARTS}, and at most {@link #PARTIAL_FLOATS} floats in all).
 *
 * <p>Threads and determinism: forward and backwardData hand whole tiles to the threads, one
 * at a time to whichever is free, when there are at least as many tiles as threads, else run
 * the tiles in order and let each product split itself; either way every output element is
 * computed by the same operations (the GEMM is bit for bit the same for any thread count).
 * backwardWeights cuts the batch into parts of consecutive images fixed by the geometry, sums
 * each part's images in order into its own partial dw and db, hands the parts to the threads
 * as they come free, and then adds the partials into dw and db in part order: every sum has the
 * same terms in the same order for any thread count, and each image's dy is packed once. (It
 * used to give each thread fixed blocks of dw's columns over all images: every thread then
 * packed every image's dy, and the thread holding the first block also summed the bias.)
 */
public final class Im2colConv implements ConvKernels {
  /** The widest tile, in columns: lenet2's 14x14 outputs go 4 images to a tile. */
  static final int TILE_COLUMNS = Integer.getInteger("lanes.conv.tileColumns", 1024);
  /**
   * The most parts backwardWeights cuts the batch into: enough for 8 threads, and each part's
   * partial dw costs one pass of adds at the end.
   */
  static final int MAX_PARTS = 8;
  /** The most floats the partial sums of backwardWeights may take (16 MiB). */
  static final int PARTIAL_FLOATS = 1 << 22;

  private final GemmKernel gemm;
  private final ElementwiseKernels elementwise;
  private final ReductionKernels reductions;
  private final ThreadLocal<Scratch> columns = ThreadLocal.withInitial(Scratch::new);
  private final ThreadLocal<Scratch> blocks = ThreadLocal.withInitial(Scratch::new);
  private final ThreadLocal<Scratch> partials = ThreadLocal.withInitial(Scratch::new);
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
    int parts = weightParts(g);
    int partSize = g.weightSize() + g.outChannels();
    t.partial = partials.get().floats(parts * partSize);
    t.first = imagesPerPart(g); // for run()
    try {
      // one part runs on the calling thread, whose products then split themselves
      Parallel.parallelForDynamic(parts, 1, t);
      addPartials(elementwise, dw, dwOff, dBias, dBiasOff, t.partial, parts, g);
    } finally {
      t.clear();
    }
  }

  /**
   * {@code dw += Σ partial dw} and, unless dBias is null, {@code dBias += Σ partial db}, in part
   * order: part p's slice of {@code partial} holds its dw (g's weights), then its db (g's output
   * channels). Public for {@code DirectConv} and {@link PooledConv}, which sum in these parts.
   */
  public static void addPartials(ElementwiseKernels elementwise, float[] dw, int dwOff,
      float[] dBias, int dBiasOff, float[] partial, int parts, Conv2dGeometry g) {
    int partSize = g.weightSize() + g.outChannels();
    for (int part = 0; part < parts; part++) {
      int at = part * partSize;
      elementwise.add(dw, dwOff, dw, dwOff, partial, at, g.weightSize());
      if (dBias != null) {
        elementwise.add(dBias, dBiasOff, dBias, dBiasOff, partial, at + g.weightSize(),
            g.outChannels());
      }
    }
  }

  /**
   * Consecutive images per part of backwardWeights: the batch over at most MAX_PARTS parts,
   * fewer when their partial sums would pass PARTIAL_FLOATS (one part for a layer whose weights
   * alone are that large: its per-image products are large enough to split themselves).
   * Public for {@code DirectConv}, which sums in the same parts so that its weight gradient has
   * the same bits as this one.
   */
  public static int imagesPerPart(Conv2dGeometry g) {
    long partSize = (long) g.weightSize() + g.outChannels();
    int parts = (int) Math.max(1, Math.min(Math.min(g.batch(), MAX_PARTS),
        PARTIAL_FLOATS / partSize));
    return Math.max(1, (g.batch() + parts - 1) / parts); // 1 for an empty batch: no parts
  }

  /** Parts of backwardWeights: the batch in runs of imagesPerPart images, the last shorter. */
  public static int weightParts(Conv2dGeometry g) {
    int per = imagesPerPart(g);
    return (g.batch() + per - 1) / per;
  }

  /**
   * Part {@code part} of backwardWeights: {@code partial dw = Σ dy[n] · col(x[n])ᵀ} and
   * {@code partial db = Σ_P dy[n]} over its images n in order, into the part's own slice of
   * t.partial (dw's layout, then db).
   */
  private void weightPart(Task t, int part) {
    Conv2dGeometry g = t.g;
    int k = g.patchSize();
    int plane = g.outPlane();
    int out = g.outChannels();
    int at = part * (g.weightSize() + out);
    int first = part * t.first;
    int last = Math.min(g.batch(), first + t.first);
    float[] col = g.isPointwise() ? null : columns.get().floats(k * plane);
    if (t.bias != null) {
      elementwise.fill(t.partial, at + g.weightSize(), 0f, out);
    }
    for (int n = first; n < last; n++) {
      int xImage = t.xOff + n * g.imageSize();
      float[] b = t.x;
      int bOff = xImage;
      if (!g.isPointwise()) {
        Im2col.im2col(col, 0, plane, t.x, xImage, g, 0, g.inChannels());
        b = col;
        bOff = 0;
      }
      int dyImage = t.yOff + n * out * plane;
      // partial (out, k) (+)= dy[n] (out, P) · colᵀ (P, k); the part's first image sets it
      gemm.sgemm(false, true, out, k, plane, 1f, t.y, dyImage, plane, b, bOff, plane,
          n == first ? 0f : 1f, t.partial, at, k);
      if (t.bias != null) {
        reductions.addChannelSums(t.partial, at + g.weightSize(), t.y, dyImage, 1, out, plane);
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
    /** WEIGHTS: the parts' partial sums. */
    float[] partial;
    // FORWARD, BACKWARD_DATA: images per tile; WEIGHTS: images per part
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
      y = x = w = bias = partial = null;
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
        case WEIGHTS -> {
          for (int part = start; part < end; part++) {
            conv.weightPart(this, part);
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
