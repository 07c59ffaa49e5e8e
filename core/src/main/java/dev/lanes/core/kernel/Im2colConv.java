package dev.lanes.core.kernel;

import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;

/**
 * Convolution as im2col plus matrix multiply (the fast path; {@code ScalarConv} is the
 * reference). Per image, with col = im2col(x) of shape (C·kh·kw, outH·outW):
 * <ul>
 *   <li>forward: {@code y = w·col + b}, w viewed as (out, C·kh·kw);
 *   <li>backwardData: {@code dx = col2im(wᵀ·dy)};
 *   <li>backwardWeights: {@code dw += dy·colᵀ}, {@code db += Σ dy}, recomputing col rather than
 *       keeping it from the forward pass.
 * </ul>
 * A 1x1 convolution with stride 1 and no padding skips im2col: the image is its own col.
 *
 * <p>Memory: one image's columns per thread ({@link Scratch} in a {@link ThreadLocal}), never
 * the batch's. Threads: when the batch has at least as many images as the pool has threads,
 * each thread takes whole images (a small CNN's per-image GEMMs are too small to split, and the
 * matrix multiplies inside then run on their own thread); otherwise images go one after another
 * and each matrix multiply splits itself. The weight gradient is summed per thread part in a
 * fixed partition, then added in part order, so a run is repeatable for a given thread count.
 */
public final class Im2colConv implements ConvKernels {
  private final GemmKernel gemm;
  private final ElementwiseKernels elementwise;
  private final ReductionKernels reductions;
  private final ThreadLocal<Scratch> columns = ThreadLocal.withInitial(Scratch::new);
  private final ThreadLocal<Scratch> partials = ThreadLocal.withInitial(Scratch::new);
  private final ThreadLocal<Task> tasks = ThreadLocal.withInitial(() -> new Task(this));

  public Im2colConv(GemmKernel gemm, ElementwiseKernels elementwise, ReductionKernels reductions) {
    this.gemm = gemm;
    this.elementwise = elementwise;
    this.reductions = reductions;
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
    runOverImages(t);
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
    runOverImages(t);
  }

  @Override
  public void backwardWeights(float[] dw, int dwOff, float[] dBias, int dBiasOff, float[] dy,
      int dyOff, float[] x, int xOff, Conv2dGeometry g) {
    Task t = tasks.get().set(Op.BACKWARD_WEIGHTS, g);
    t.y = dy;
    t.yOff = dyOff;
    t.x = x;
    t.xOff = xOff;
    t.w = dw;
    t.wOff = dwOff;
    t.bias = dBias;
    t.biasOff = dBiasOff;
    int parts = imagesInParallel(g) ? Math.min(g.batch(), Parallel.threads()) : 1;
    t.parts = parts;
    // part 0 adds straight into dw and dBias; the others into zeroed slices of this buffer
    int slice = g.weightSize() + g.outChannels();
    t.partial = partials.get().floats((parts - 1) * slice);
    elementwise.fill(t.partial, 0, 0f, (parts - 1) * slice);
    try {
      if (parts > 1) {
        Parallel.parallelFor(parts, 1, t);
      } else {
        t.run(0, 1);
      }
      for (int p = 1; p < parts; p++) {
        int at = (p - 1) * slice;
        elementwise.add(dw, dwOff, dw, dwOff, t.partial, at, g.weightSize());
        if (dBias != null) {
          elementwise.add(dBias, dBiasOff, dBias, dBiasOff, t.partial, at + g.weightSize(),
              g.outChannels());
        }
      }
    } finally {
      t.clear();
    }
  }

  private void runOverImages(Task t) {
    try {
      if (imagesInParallel(t.g)) {
        Parallel.parallelFor(t.g.batch(), 1, t);
      } else {
        t.run(0, t.g.batch());
      }
    } finally {
      t.clear();
    }
  }

  private static boolean imagesInParallel(Conv2dGeometry g) {
    return Parallel.threads() > 1 && g.batch() >= Parallel.threads();
  }

  private enum Op { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS }

  /**
   * The arguments of one call, kept in a per-thread object rather than captured by a lambda, so
   * that a call allocates nothing. x/y/w name the arrays in forward's roles: for backwardData x
   * is dx and y is dy; for backwardWeights w is dw and bias is dBias.
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
    int parts;
    float[] partial;

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
          for (int n = start; n < end; n++) {
            conv.forwardImage(this, n);
          }
        }
        case BACKWARD_DATA -> {
          for (int n = start; n < end; n++) {
            conv.backwardDataImage(this, n);
          }
        }
        case BACKWARD_WEIGHTS -> {
          for (int p = start; p < end; p++) {
            conv.backwardWeightsPart(this, p);
          }
        }
      }
    }
  }

  private void forwardImage(Task t, int n) {
    Conv2dGeometry g = t.g;
    int k = g.patchSize();
    int plane = g.outPlane();
    int xImage = t.xOff + n * g.imageSize();
    int yImage = t.yOff + n * g.outChannels() * plane;
    float[] col;
    int colOff;
    if (g.isPointwise()) {
      col = t.x;
      colOff = xImage;
    } else {
      col = columns.get().floats(k * plane);
      colOff = 0;
      Im2col.im2col(col, 0, t.x, xImage, g);
    }
    // y (out, plane) = w (out, k) · col (k, plane)
    gemm.sgemm(false, false, g.outChannels(), plane, k, 1f, t.w, t.wOff, k, col, colOff, plane,
        0f, t.y, yImage, plane);
    if (t.bias != null) {
      elementwise.addChannelBias(t.y, yImage, t.bias, t.biasOff, 1, g.outChannels(), plane);
    }
  }

  private void backwardDataImage(Task t, int n) {
    Conv2dGeometry g = t.g;
    int k = g.patchSize();
    int plane = g.outPlane();
    int dxImage = t.xOff + n * g.imageSize();
    int dyImage = t.yOff + n * g.outChannels() * plane;
    if (g.isPointwise()) {
      // dx (C, plane) = wᵀ (C, out) · dy (out, plane)
      gemm.sgemm(true, false, k, plane, g.outChannels(), 1f, t.w, t.wOff, k, t.y, dyImage, plane,
          0f, t.x, dxImage, plane);
      return;
    }
    float[] col = columns.get().floats(k * plane);
    gemm.sgemm(true, false, k, plane, g.outChannels(), 1f, t.w, t.wOff, k, t.y, dyImage, plane,
        0f, col, 0, plane);
    elementwise.fill(t.x, dxImage, 0f, g.imageSize());
    Im2col.col2im(t.x, dxImage, col, 0, g, elementwise);
  }

  /** Part p of the batch: its images' weight gradients, into dw (p = 0) or slice p - 1. */
  private void backwardWeightsPart(Task t, int p) {
    Conv2dGeometry g = t.g;
    int k = g.patchSize();
    int plane = g.outPlane();
    int first = (int) ((long) p * g.batch() / t.parts);
    int last = (int) ((long) (p + 1) * g.batch() / t.parts);
    float[] dw = p == 0 ? t.w : t.partial;
    int dwOff = p == 0 ? t.wOff : (p - 1) * (g.weightSize() + g.outChannels());
    float[] db = p == 0 ? t.bias : t.partial;
    int dbOff = p == 0 ? t.biasOff : dwOff + g.weightSize();
    for (int n = first; n < last; n++) {
      int xImage = t.xOff + n * g.imageSize();
      int dyImage = t.yOff + n * g.outChannels() * plane;
      float[] col;
      int colOff;
      if (g.isPointwise()) {
        col = t.x;
        colOff = xImage;
      } else {
        col = columns.get().floats(k * plane);
        colOff = 0;
        Im2col.im2col(col, 0, t.x, xImage, g);
      }
      // dw (out, k) += dy (out, plane) · colᵀ (plane, k)
      gemm.sgemm(false, true, g.outChannels(), k, plane, 1f, t.y, dyImage, plane, col, colOff,
          plane, 1f, dw, dwOff, k);
      if (t.bias != null) {
        reductions.addChannelSums(db, dbOff, t.y, dyImage, 1, g.outChannels(), plane);
      }
    }
  }
}
