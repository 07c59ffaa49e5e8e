package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;
import static dev.lanes.core.kernel.simd.SimdGemm.NR;

import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.ConvKernels;
import dev.lanes.core.kernel.ElementwiseKernels;
import dev.lanes.core.kernel.Im2colConv;
import dev.lanes.core.kernel.ReductionKernels;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Direct convolution for stride 1 and short patches (C·kh·kw &lt; NR, sgemm's micro-tile width:
 * a first layer on one-channel images, 1 channel 3x3, k = 9), forward and weight gradient; the
 * input gradient, and every other geometry, go to the fallback ({@link Im2colConv}).
 *
 * <p>Why: with k = 9 im2col writes nine copies of each image for a product whose every output
 * takes only nine multiply-adds, and sgemm packs them once more; the weight gradient's products
 * (out x 9 x P, B transposed) run as dot products four columns at a time, so the last block of
 * the 9 columns is three quarters repeats. Here each image is copied kw·C times, shifted
 * (below), and the products read those copies where they are. The CNN's first layer (64 x 1 x
 * 28 x 28, 32 3x3 filters) ran forward 1.9-2.1x and its weight gradient 1.2-1.35x as fast as
 * im2col's in probe loops alternating the two in one JVM (README, convolution section).
 *
 * <p>The shifted copies: with stride 1, row (c, ky, kx) of the im2col matrix,
 * {@code col[(c·kh + ky)·kw + kx][oy·outW + ox] = x[c][oy - ph + ky·dh][ox - pw + kx·dw]}, is
 * a contiguous run of P = outH·outW values of the plane
 * {@code s[c, kx][r][ox] = x[c][r - ph][ox - pw + kx·dw]} (zero outside x), r in
 * [0, H + 2·ph), starting at row ky·dh: one plane per (c, kx) serves the kh rows of col that
 * differ only in ky. Each image's planes ((C·kw, H + 2·ph, outW) floats, 10 KiB for a 28x28
 * image) are built once per pass in a per-thread buffer.
 *
 * <p>Same bits as im2col + sgemm: every output is computed by the operations the GEMM applies
 * to it. Forward: {@code acc = 0; acc = fma(w[o][j], col[j][p], acc)} for j = 0..k-1 in order
 * (the micro-kernel's and the small path's order, one k block since k &lt; KC), then
 * {@code y = acc + b[o]} as Im2colConv adds the bias; the padding's zeros take part as im2col's
 * zeros do, so even signed zeros agree. Weight gradient: sgemm takes each image's
 * {@code dw (out, k) += dy (out, P) · colᵀ} to its rows-dot-rows path (k &lt; NR), whose dot
 * products keep one accumulator per lane (lane l sums p ≡ l mod L in order), add the lanes in
 * {@link VectorMath#sumLanes}' tree, then the scalar tail's sum; this class does the same per
 * (o, j), in the same parts of the batch as {@link Im2colConv#imagesPerPart}, its partial sums
 * added in part order, and the bias through the same {@code addChannelSums}. So the forward,
 * dw and db are bit for bit Im2colConv's (DirectConvTest checks it), for any thread count.
 *
 * <p>Blocking, chosen in probe loops over the 28x28 first layer (kernels alone, one thread):
 * the forward takes 6 output channels by 2 vectors of outputs, sgemm's micro-tile (12
 * accumulators; per tap 2 loads and 6 broadcasts), from weights packed as sgemm packs A; 4x3,
 * 4x2, 3x4, 2x4 and 8x1 ran 5-40% slower. For k = 9 the taps are written out
 * ({@link #forwardBlock9}). The weight gradient takes 2 output channels by 3 taps (6
 * accumulators; per step 3 loads of x and 2 of dy): 4x3 and 3x3 ran about 40% slower, 6x2 and
 * 2x4 15%, 4x2 and 1x9 alike. Blocks past the last channel or tap repeat it and are not written.
 *
 * <p>Threads: the forward hands whole images to whichever thread is free; the weight gradient
 * hands out Im2colConv's parts (at most 8 runs of consecutive images, fixed by the geometry).
 */
final class DirectConv implements ConvKernels {
  /** Output channels per block of the forward, by 2 vectors of outputs. */
  static final int FORWARD_ROWS = 6;
  /** Output channels by taps per block of the weight gradient. */
  static final int WEIGHT_ROWS = 2;
  static final int WEIGHT_TAPS = 3;

  private final ConvKernels fallback;
  private final ElementwiseKernels elementwise;
  private final ReductionKernels reductions;
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);
  private final ThreadLocal<Task> tasks = ThreadLocal.withInitial(() -> new Task(this));

  DirectConv(ConvKernels fallback, ElementwiseKernels elementwise,
      ReductionKernels reductions) {
    this.fallback = fallback;
    this.elementwise = elementwise;
    this.reductions = reductions;
  }

  /**
   * Whether this geometry's forward and weight gradient run here: stride 1, not a 1x1 without
   * padding (whose image already is its im2col matrix), and a patch shorter than NR, for which
   * the GEMM's weight gradient is the rows-dot-rows path reproduced here.
   */
  static boolean applies(Conv2dGeometry g) {
    return g.strideH() == 1 && g.strideW() == 1 && !g.isPointwise() && g.patchSize() < NR;
  }

  /** Its geometries: each image's forward and weight gradient are computed on their own. */
  @Override
  public boolean imageByImage(Conv2dGeometry g) {
    return applies(g);
  }

  @Override
  public void forward(float[] y, int yOff, float[] x, int xOff, float[] w, int wOff,
      float[] bias, int biasOff, Conv2dGeometry g) {
    if (!applies(g)) {
      fallback.forward(y, yOff, x, xOff, w, wOff, bias, biasOff, g);
      return;
    }
    Task t = tasks.get().set(Op.FORWARD, g);
    t.y = y;
    t.yOff = yOff;
    t.x = x;
    t.xOff = xOff;
    t.w = w;
    t.wOff = wOff;
    t.bias = bias;
    t.biasOff = biasOff;
    t.partial = pack(buffers.get(), w, wOff, g);
    try {
      if (Parallel.threads() > 1 && g.batch() >= Parallel.threads()) {
        // an image at a time to whichever thread is free
        Parallel.parallelForDynamic(g.batch(), 1, t);
      } else {
        t.run(0, g.batch());
      }
    } finally {
      t.clear();
    }
  }

  @Override
  public void backwardData(float[] dx, int dxOff, float[] dy, int dyOff, float[] w, int wOff,
      Conv2dGeometry g) {
    // a first layer computes no input gradient: this stays im2col's
    fallback.backwardData(dx, dxOff, dy, dyOff, w, wOff, g);
  }

  /**
   * {@code dw += Σ_n dy[n] (out, P) · col(x[n])ᵀ (P, k)} and {@code db += Σ_n Σ_P dy[n]}: per
   * part of the batch a partial sum over its images in order, then the partials added into dw
   * and db in part order (Im2colConv's parts and order).
   */
  @Override
  public void backwardWeights(float[] dw, int dwOff, float[] dBias, int dBiasOff, float[] dy,
      int dyOff, float[] x, int xOff, Conv2dGeometry g) {
    if (!applies(g)) {
      fallback.backwardWeights(dw, dwOff, dBias, dBiasOff, dy, dyOff, x, xOff, g);
      return;
    }
    Task t = tasks.get().set(Op.WEIGHTS, g);
    t.x = x;
    t.xOff = xOff;
    t.y = dy;
    t.yOff = dyOff;
    t.bias = dBias;
    int parts = Im2colConv.weightParts(g);
    int partSize = g.weightSize() + g.outChannels();
    Buffers own = buffers.get();
    t.partial = own.partials = grow(own.partials, parts * partSize);
    t.perPart = Im2colConv.imagesPerPart(g);
    try {
      Parallel.parallelForDynamic(parts, 1, t);
      Im2colConv.addPartials(elementwise, dw, dwOff, dBias, dBiasOff, t.partial, parts, g);
    } finally {
      t.clear();
    }
  }

  /**
   * The weights (out, k) in blocks of FORWARD_ROWS channels, each k steps of FORWARD_ROWS
   * values (the last block's missing channels repeat its last), as sgemm packs A: a block's
   * loads then share one base, and C2 checks their bounds once.
   */
  private static float[] pack(Buffers own, float[] w, int wOff, Conv2dGeometry g) {
    int k = g.patchSize();
    int out = g.outChannels();
    int blocks = (out + FORWARD_ROWS - 1) / FORWARD_ROWS;
    float[] pw = own.packed = grow(own.packed, blocks * FORWARD_ROWS * k);
    for (int o = 0; o < blocks * FORWARD_ROWS; o++) {
      int block = o / FORWARD_ROWS * FORWARD_ROWS * k;
      int src = wOff + Math.min(o, out - 1) * k;
      for (int j = 0; j < k; j++) {
        pw[block + j * FORWARD_ROWS + o % FORWARD_ROWS] = w[src + j];
      }
    }
    return pw;
  }

  /**
   * Fills own.shifted with the shifted planes of one image x (C, H, W) (see the class
   * comment), and own.taps with where row j of col starts in them.
   */
  private static void shift(Buffers own, float[] x, int xImage, Conv2dGeometry g) {
    int h = g.height();
    int w = g.width();
    int outW = g.outWidth();
    int rows = h + 2 * g.padH();
    int planeSize = rows * outW;
    float[] s = own.shifted = grow(own.shifted, g.inChannels() * g.kernelW() * planeSize);
    int[] taps = own.taps = grow(own.taps, g.patchSize());
    int at = 0;
    for (int c = 0; c < g.inChannels(); c++) {
      int channel = xImage + c * h * w;
      for (int kx = 0; kx < g.kernelW(); kx++, at += planeSize) {
        for (int ky = 0; ky < g.kernelH(); ky++) {
          taps[(c * g.kernelH() + ky) * g.kernelW() + kx] = at + ky * g.dilationH() * outW;
        }
        int shift = kx * g.dilationW() - g.padW(); // s[c, kx][r][ox] = x[c][r - ph][ox + shift]
        int lo = Math.min(outW, Math.max(0, -shift));
        int hi = Math.max(lo, Math.min(outW, w - shift));
        for (int r = 0; r < rows; r++) {
          int row = at + r * outW;
          int ih = r - g.padH();
          if (ih < 0 || ih >= h) {
            Arrays.fill(s, row, row + outW, 0f);
            continue;
          }
          Arrays.fill(s, row, row + lo, 0f);
          if (hi > lo) {
            System.arraycopy(x, channel + ih * w + shift + lo, s, row + lo, hi - lo);
          }
          Arrays.fill(s, row + hi, row + outW, 0f);
        }
      }
    }
  }

  /** y[n] (out, P) = w (out, k) · col(x[n]) (k, P) + b. */
  private void forwardImage(Task t, int n) {
    Conv2dGeometry g = t.g;
    Buffers own = buffers.get();
    shift(own, t.x, t.xOff + n * g.imageSize(), g);
    float[] s = own.shifted;
    int[] taps = own.taps;
    int k = g.patchSize();
    int plane = g.outPlane();
    int out = g.outChannels();
    int yImage = t.yOff + n * out * plane;
    float[] pw = t.partial;
    for (int o = 0; o < out; o += FORWARD_ROWS) {
      int rows = Math.min(FORWARD_ROWS, out - o);
      int w0 = t.wOff + o * k;
      int wAt = o * k; // the block's packed weights (o is a multiple of FORWARD_ROWS)
      int yAt = yImage + o * plane;
      int b0 = t.biasOff + o;
      int p = 0;
      if (k == 9) {
        for (; p + 2 * L <= plane; p += 2 * L) {
          forwardBlock9(s, taps, k, pw, wAt, rows, p, t.y, yAt, plane, t.bias, b0);
        }
      }
      for (; p + 2 * L <= plane; p += 2 * L) {
        forwardBlock(s, taps, k, pw, wAt, rows, p, t.y, yAt, plane, t.bias, b0);
      }
      for (; p + L <= plane; p += L) {
        forwardVector(s, taps, k, pw, wAt, rows, p, t.y, yAt, plane, t.bias, b0);
      }
      for (; p < plane; p++) {
        // the last plane % L outputs in scalar code: the lanes' operations, one at a time
        for (int r = 0; r < rows; r++) {
          float acc = 0;
          for (int j = 0; j < k; j++) {
            acc = Math.fma(t.w[w0 + r * k + j], s[taps[j] + p], acc);
          }
          t.y[yAt + r * plane + p] = t.bias == null ? acc : acc + t.bias[b0 + r];
        }
      }
    }
  }

  /**
   * Outputs [p, p + 2L) of rows [0, rows) of y from y[yAt] (rows ldy apart), from the block's
   * packed weights pw[wAt + j·FORWARD_ROWS + r]: rows past the last repeat it and are not
   * written.
   */
  private static void forwardBlock(float[] s, int[] taps, int k, float[] pw, int wAt, int rows,
      int p, float[] y, int yAt, int ldy, float[] bias, int b0) {
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    for (int j = 0, wj = wAt; j < k; j++, wj += FORWARD_ROWS) {
      int at = taps[j] + p;
      FloatVector v0 = FloatVector.fromArray(F, s, at);
      FloatVector v1 = FloatVector.fromArray(F, s, at + L);
      FloatVector a = FloatVector.broadcast(F, pw[wj + 0]);
      c00 = a.fma(v0, c00);
      c01 = a.fma(v1, c01);
      a = FloatVector.broadcast(F, pw[wj + 1]);
      c10 = a.fma(v0, c10);
      c11 = a.fma(v1, c11);
      a = FloatVector.broadcast(F, pw[wj + 2]);
      c20 = a.fma(v0, c20);
      c21 = a.fma(v1, c21);
      a = FloatVector.broadcast(F, pw[wj + 3]);
      c30 = a.fma(v0, c30);
      c31 = a.fma(v1, c31);
      a = FloatVector.broadcast(F, pw[wj + 4]);
      c40 = a.fma(v0, c40);
      c41 = a.fma(v1, c41);
      a = FloatVector.broadcast(F, pw[wj + 5]);
      c50 = a.fma(v0, c50);
      c51 = a.fma(v1, c51);
    }
    // written out, not in a helper taking a vector (it would be boxed if not inlined)
    if (bias != null) {
      FloatVector v = FloatVector.broadcast(F, bias[b0]);
      c00 = c00.add(v);
      c01 = c01.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(1, rows - 1)]);
      c10 = c10.add(v);
      c11 = c11.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(2, rows - 1)]);
      c20 = c20.add(v);
      c21 = c21.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(3, rows - 1)]);
      c30 = c30.add(v);
      c31 = c31.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(4, rows - 1)]);
      c40 = c40.add(v);
      c41 = c41.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(5, rows - 1)]);
      c50 = c50.add(v);
      c51 = c51.add(v);
    }
    int at = yAt + p;
    c00.intoArray(y, at);
    c01.intoArray(y, at + L);
    if (rows > 1) {
      at += ldy;
      c10.intoArray(y, at);
      c11.intoArray(y, at + L);
    }
    if (rows > 2) {
      at += ldy;
      c20.intoArray(y, at);
      c21.intoArray(y, at + L);
    }
    if (rows > 3) {
      at += ldy;
      c30.intoArray(y, at);
      c31.intoArray(y, at + L);
    }
    if (rows > 4) {
      at += ldy;
      c40.intoArray(y, at);
      c41.intoArray(y, at + L);
    }
    if (rows > 5) {
      at += ldy;
      c50.intoArray(y, at);
      c51.intoArray(y, at + L);
    }
  }

  /**
   * {@link #forwardBlock} for k = 9 (one channel, 3x3), written out: the same operations in the
   * same order, 1.3-1.5x as fast in a probe loop as the loop over the taps, which C2 splits into
   * pre-, main and post-loops around so few steps.
   */
  private static void forwardBlock9(float[] s, int[] taps, int k, float[] pw, int wAt, int rows,
      int p, float[] y, int yAt, int ldy, float[] bias, int b0) {
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    int x0 = taps[0] + p;
    int x1 = taps[1] + p;
    int x2 = taps[2] + p;
    int x3 = taps[3] + p;
    int x4 = taps[4] + p;
    int x5 = taps[5] + p;
    int x6 = taps[6] + p;
    int x7 = taps[7] + p;
    int x8 = taps[8] + p;
    // tap 0
    FloatVector v0 = FloatVector.fromArray(F, s, x0);
    FloatVector v1 = FloatVector.fromArray(F, s, x0 + L);
    FloatVector a = FloatVector.broadcast(F, pw[wAt + 0]);
    c00 = a.fma(v0, c00);
    c01 = a.fma(v1, c01);
    a = FloatVector.broadcast(F, pw[wAt + 1]);
    c10 = a.fma(v0, c10);
    c11 = a.fma(v1, c11);
    a = FloatVector.broadcast(F, pw[wAt + 2]);
    c20 = a.fma(v0, c20);
    c21 = a.fma(v1, c21);
    a = FloatVector.broadcast(F, pw[wAt + 3]);
    c30 = a.fma(v0, c30);
    c31 = a.fma(v1, c31);
    a = FloatVector.broadcast(F, pw[wAt + 4]);
    c40 = a.fma(v0, c40);
    c41 = a.fma(v1, c41);
    a = FloatVector.broadcast(F, pw[wAt + 5]);
    c50 = a.fma(v0, c50);
    c51 = a.fma(v1, c51);
    // tap 1
    v0 = FloatVector.fromArray(F, s, x1);
    v1 = FloatVector.fromArray(F, s, x1 + L);
    a = FloatVector.broadcast(F, pw[wAt + 6]);
    c00 = a.fma(v0, c00);
    c01 = a.fma(v1, c01);
    a = FloatVector.broadcast(F, pw[wAt + 7]);
    c10 = a.fma(v0, c10);
    c11 = a.fma(v1, c11);
    a = FloatVector.broadcast(F, pw[wAt + 8]);
    c20 = a.fma(v0, c20);
    c21 = a.fma(v1, c21);
    a = FloatVector.broadcast(F, pw[wAt + 9]);
    c30 = a.fma(v0, c30);
    c31 = a.fma(v1, c31);
    a = FloatVector.broadcast(F, pw[wAt + 10]);
    c40 = a.fma(v0, c40);
    c41 = a.fma(v1, c41);
    a = FloatVector.broadcast(F, pw[wAt + 11]);
    c50 = a.fma(v0, c50);
    c51 = a.fma(v1, c51);
    // tap 2
    v0 = FloatVector.fromArray(F, s, x2);
    v1 = FloatVector.fromArray(F, s, x2 + L);
    a = FloatVector.broadcast(F, pw[wAt + 12]);
    c00 = a.fma(v0, c00);
    c01 = a.fma(v1, c01);
    a = FloatVector.broadcast(F, pw[wAt + 13]);
    c10 = a.fma(v0, c10);
    c11 = a.fma(v1, c11);
    a = FloatVector.broadcast(F, pw[wAt + 14]);
    c20 = a.fma(v0, c20);
    c21 = a.fma(v1, c21);
    a = FloatVector.broadcast(F, pw[wAt + 15]);
    c30 = a.fma(v0, c30);
    c31 = a.fma(v1, c31);
    a = FloatVector.broadcast(F, pw[wAt + 16]);
    c40 = a.fma(v0, c40);
    c41 = a.fma(v1, c41);
    a = FloatVector.broadcast(F, pw[wAt + 17]);
    c50 = a.fma(v0, c50);
    c51 = a.fma(v1, c51);
    // tap 3
    v0 = FloatVector.fromArray(F, s, x3);
    v1 = FloatVector.fromArray(F, s, x3 + L);
    a = FloatVector.broadcast(F, pw[wAt + 18]);
    c00 = a.fma(v0, c00);
    c01 = a.fma(v1, c01);
    a = FloatVector.broadcast(F, pw[wAt + 19]);
    c10 = a.fma(v0, c10);
    c11 = a.fma(v1, c11);
    a = FloatVector.broadcast(F, pw[wAt + 20]);
    c20 = a.fma(v0, c20);
    c21 = a.fma(v1, c21);
    a = FloatVector.broadcast(F, pw[wAt + 21]);
    c30 = a.fma(v0, c30);
    c31 = a.fma(v1, c31);
    a = FloatVector.broadcast(F, pw[wAt + 22]);
    c40 = a.fma(v0, c40);
    c41 = a.fma(v1, c41);
    a = FloatVector.broadcast(F, pw[wAt + 23]);
    c50 = a.fma(v0, c50);
    c51 = a.fma(v1, c51);
    // tap 4
    v0 = FloatVector.fromArray(F, s, x4);
    v1 = FloatVector.fromArray(F, s, x4 + L);
    a = FloatVector.broadcast(F, pw[wAt + 24]);
    c00 = a.fma(v0, c00);
    c01 = a.fma(v1, c01);
    a = FloatVector.broadcast(F, pw[wAt + 25]);
    c10 = a.fma(v0, c10);
    c11 = a.fma(v1, c11);
    a = FloatVector.broadcast(F, pw[wAt + 26]);
    c20 = a.fma(v0, c20);
    c21 = a.fma(v1, c21);
    a = FloatVector.broadcast(F, pw[wAt + 27]);
    c30 = a.fma(v0, c30);
    c31 = a.fma(v1, c31);
    a = FloatVector.broadcast(F, pw[wAt + 28]);
    c40 = a.fma(v0, c40);
    c41 = a.fma(v1, c41);
    a = FloatVector.broadcast(F, pw[wAt + 29]);
    c50 = a.fma(v0, c50);
    c51 = a.fma(v1, c51);
    // tap 5
    v0 = FloatVector.fromArray(F, s, x5);
    v1 = FloatVector.fromArray(F, s, x5 + L);
    a = FloatVector.broadcast(F, pw[wAt + 30]);
    c00 = a.fma(v0, c00);
    c01 = a.fma(v1, c01);
    a = FloatVector.broadcast(F, pw[wAt + 31]);
    c10 = a.fma(v0, c10);
    c11 = a.fma(v1, c11);
    a = FloatVector.broadcast(F, pw[wAt + 32]);
    c20 = a.fma(v0, c20);
    c21 = a.fma(v1, c21);
    a = FloatVector.broadcast(F, pw[wAt + 33]);
    c30 = a.fma(v0, c30);
    c31 = a.fma(v1, c31);
    a = FloatVector.broadcast(F, pw[wAt + 34]);
    c40 = a.fma(v0, c40);
    c41 = a.fma(v1, c41);
    a = FloatVector.broadcast(F, pw[wAt + 35]);
    c50 = a.fma(v0, c50);
    c51 = a.fma(v1, c51);
    // tap 6
    v0 = FloatVector.fromArray(F, s, x6);
    v1 = FloatVector.fromArray(F, s, x6 + L);
    a = FloatVector.broadcast(F, pw[wAt + 36]);
    c00 = a.fma(v0, c00);
    c01 = a.fma(v1, c01);
    a = FloatVector.broadcast(F, pw[wAt + 37]);
    c10 = a.fma(v0, c10);
    c11 = a.fma(v1, c11);
    a = FloatVector.broadcast(F, pw[wAt + 38]);
    c20 = a.fma(v0, c20);
    c21 = a.fma(v1, c21);
    a = FloatVector.broadcast(F, pw[wAt + 39]);
    c30 = a.fma(v0, c30);
    c31 = a.fma(v1, c31);
    a = FloatVector.broadcast(F, pw[wAt + 40]);
    c40 = a.fma(v0, c40);
    c41 = a.fma(v1, c41);
    a = FloatVector.broadcast(F, pw[wAt + 41]);
    c50 = a.fma(v0, c50);
    c51 = a.fma(v1, c51);
    // tap 7
    v0 = FloatVector.fromArray(F, s, x7);
    v1 = FloatVector.fromArray(F, s, x7 + L);
    a = FloatVector.broadcast(F, pw[wAt + 42]);
    c00 = a.fma(v0, c00);
    c01 = a.fma(v1, c01);
    a = FloatVector.broadcast(F, pw[wAt + 43]);
    c10 = a.fma(v0, c10);
    c11 = a.fma(v1, c11);
    a = FloatVector.broadcast(F, pw[wAt + 44]);
    c20 = a.fma(v0, c20);
    c21 = a.fma(v1, c21);
    a = FloatVector.broadcast(F, pw[wAt + 45]);
    c30 = a.fma(v0, c30);
    c31 = a.fma(v1, c31);
    a = FloatVector.broadcast(F, pw[wAt + 46]);
    c40 = a.fma(v0, c40);
    c41 = a.fma(v1, c41);
    a = FloatVector.broadcast(F, pw[wAt + 47]);
    c50 = a.fma(v0, c50);
    c51 = a.fma(v1, c51);
    // tap 8
    v0 = FloatVector.fromArray(F, s, x8);
    v1 = FloatVector.fromArray(F, s, x8 + L);
    a = FloatVector.broadcast(F, pw[wAt + 48]);
    c00 = a.fma(v0, c00);
    c01 = a.fma(v1, c01);
    a = FloatVector.broadcast(F, pw[wAt + 49]);
    c10 = a.fma(v0, c10);
    c11 = a.fma(v1, c11);
    a = FloatVector.broadcast(F, pw[wAt + 50]);
    c20 = a.fma(v0, c20);
    c21 = a.fma(v1, c21);
    a = FloatVector.broadcast(F, pw[wAt + 51]);
    c30 = a.fma(v0, c30);
    c31 = a.fma(v1, c31);
    a = FloatVector.broadcast(F, pw[wAt + 52]);
    c40 = a.fma(v0, c40);
    c41 = a.fma(v1, c41);
    a = FloatVector.broadcast(F, pw[wAt + 53]);
    c50 = a.fma(v0, c50);
    c51 = a.fma(v1, c51);
    // written out, not in a helper taking a vector (it would be boxed if not inlined)
    if (bias != null) {
      FloatVector v = FloatVector.broadcast(F, bias[b0]);
      c00 = c00.add(v);
      c01 = c01.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(1, rows - 1)]);
      c10 = c10.add(v);
      c11 = c11.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(2, rows - 1)]);
      c20 = c20.add(v);
      c21 = c21.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(3, rows - 1)]);
      c30 = c30.add(v);
      c31 = c31.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(4, rows - 1)]);
      c40 = c40.add(v);
      c41 = c41.add(v);
      v = FloatVector.broadcast(F, bias[b0 + Math.min(5, rows - 1)]);
      c50 = c50.add(v);
      c51 = c51.add(v);
    }
    int at = yAt + p;
    c00.intoArray(y, at);
    c01.intoArray(y, at + L);
    if (rows > 1) {
      at += ldy;
      c10.intoArray(y, at);
      c11.intoArray(y, at + L);
    }
    if (rows > 2) {
      at += ldy;
      c20.intoArray(y, at);
      c21.intoArray(y, at + L);
    }
    if (rows > 3) {
      at += ldy;
      c30.intoArray(y, at);
      c31.intoArray(y, at + L);
    }
    if (rows > 4) {
      at += ldy;
      c40.intoArray(y, at);
      c41.intoArray(y, at + L);
    }
    if (rows > 5) {
      at += ldy;
      c50.intoArray(y, at);
      c51.intoArray(y, at + L);
    }
  }

  /** Outputs [p, p + L) of rows [0, rows): {@link #forwardBlock} for one vector. */
  private static void forwardVector(float[] s, int[] taps, int k, float[] pw, int wAt, int rows,
      int p, float[] y, int yAt, int ldy, float[] bias, int b0) {
    FloatVector c0 = FloatVector.zero(F);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    for (int j = 0, wj = wAt; j < k; j++, wj += FORWARD_ROWS) {
      FloatVector v0 = FloatVector.fromArray(F, s, taps[j] + p);
      c0 = FloatVector.broadcast(F, pw[wj + 0]).fma(v0, c0);
      c1 = FloatVector.broadcast(F, pw[wj + 1]).fma(v0, c1);
      c2 = FloatVector.broadcast(F, pw[wj + 2]).fma(v0, c2);
      c3 = FloatVector.broadcast(F, pw[wj + 3]).fma(v0, c3);
      c4 = FloatVector.broadcast(F, pw[wj + 4]).fma(v0, c4);
      c5 = FloatVector.broadcast(F, pw[wj + 5]).fma(v0, c5);
    }
    if (bias != null) {
      c0 = c0.add(FloatVector.broadcast(F, bias[b0]));
      c1 = c1.add(FloatVector.broadcast(F, bias[b0 + Math.min(1, rows - 1)]));
      c2 = c2.add(FloatVector.broadcast(F, bias[b0 + Math.min(2, rows - 1)]));
      c3 = c3.add(FloatVector.broadcast(F, bias[b0 + Math.min(3, rows - 1)]));
      c4 = c4.add(FloatVector.broadcast(F, bias[b0 + Math.min(4, rows - 1)]));
      c5 = c5.add(FloatVector.broadcast(F, bias[b0 + Math.min(5, rows - 1)]));
    }
    int at = yAt + p;
    c0.intoArray(y, at);
    if (rows > 1) {
      c1.intoArray(y, at + 1 * ldy);
    }
    if (rows > 2) {
      c2.intoArray(y, at + 2 * ldy);
    }
    if (rows > 3) {
      c3.intoArray(y, at + 3 * ldy);
    }
    if (rows > 4) {
      c4.intoArray(y, at + 4 * ldy);
    }
    if (rows > 5) {
      c5.intoArray(y, at + 5 * ldy);
    }
  }

  /**
   * Part {@code part} of backwardWeights: {@code partial dw = Σ dy[n] · col(x[n])ᵀ} and
   * {@code partial db = Σ_P dy[n]} over its images n in order, into the part's own slice of
   * t.partial (dw's layout, then db), as Im2colConv's weightPart.
   */
  private void weightPart(Task t, int part) {
    Conv2dGeometry g = t.g;
    Buffers own = buffers.get();
    int k = g.patchSize();
    int plane = g.outPlane();
    int out = g.outChannels();
    int at = part * (g.weightSize() + out);
    int first = part * t.perPart;
    int last = Math.min(g.batch(), first + t.perPart);
    if (t.bias != null) {
      Arrays.fill(t.partial, at + g.weightSize(), at + g.weightSize() + out, 0f);
    }
    for (int n = first; n < last; n++) {
      shift(own, t.x, t.xOff + n * g.imageSize(), g);
      int dyImage = t.yOff + n * out * plane;
      for (int o = 0; o < out; o += WEIGHT_ROWS) {
        int rows = Math.min(WEIGHT_ROWS, out - o);
        int dyRows = dyImage + o * plane;
        for (int j = 0; j < k; j += WEIGHT_TAPS) {
          dotBlock(own, t.y, dyRows, rows, plane, j, Math.min(WEIGHT_TAPS, k - j), k, t.partial,
              at + o * k + j, n == first);
        }
        if (t.bias != null) {
          // these rows' sums while they are in L1 (each channel's is one sum, as in Im2colConv)
          reductions.addChannelSums(t.partial, at + g.weightSize() + o, t.y, dyRows, 1, rows,
              plane);
        }
      }
    }
  }

  /**
   * {@code c[r][q] (+)= Σ_p dy[r][p] · col[j + q][p]} for r &lt; rows, q &lt; cols (c's rows k
   * apart, dy's plane apart; the first image of a part sets, the others add), with sgemm's
   * rows-dot-rows order: lane sums over the vector part of P, {@link VectorMath#sumLanes}, plus
   * the scalar tail's sum; then {@code 1·sum} or {@code fma(sum, 1, 1·old)}, its write-back.
   */
  private static void dotBlock(Buffers own, float[] dy, int d0, int rows, int plane, int j,
      int cols, int k, float[] c, int cAt, boolean first) {
    float[] s = own.shifted;
    int[] taps = own.taps;
    int d1 = d0 + Math.min(1, rows - 1) * plane;
    int t0 = taps[j];
    int t1 = taps[j + Math.min(1, cols - 1)];
    int t2 = taps[j + Math.min(2, cols - 1)];
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = c00;
    FloatVector c02 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c12 = c00;
    int bound = F.loopBound(plane);
    for (int p = 0; p < bound; p += L) {
      FloatVector x0 = FloatVector.fromArray(F, s, t0 + p);
      FloatVector x1 = FloatVector.fromArray(F, s, t1 + p);
      FloatVector x2 = FloatVector.fromArray(F, s, t2 + p);
      FloatVector a = FloatVector.fromArray(F, dy, d0 + p);
      c00 = a.fma(x0, c00);
      c01 = a.fma(x1, c01);
      c02 = a.fma(x2, c02);
      a = FloatVector.fromArray(F, dy, d1 + p);
      c10 = a.fma(x0, c10);
      c11 = a.fma(x1, c11);
      c12 = a.fma(x2, c12);
    }
    // VectorMath.sumLanes' tree in registers (through the array form each sum went through
    // memory: 15% of a JFR profile of the weight gradient)
    float[] sums = own.sums;
    sums[0] = VectorMath.sumLanes(c00);
    sums[1] = VectorMath.sumLanes(c01);
    sums[2] = VectorMath.sumLanes(c02);
    sums[3] = VectorMath.sumLanes(c10);
    sums[4] = VectorMath.sumLanes(c11);
    sums[5] = VectorMath.sumLanes(c12);
    for (int r = 0; r < rows; r++) {
      int d = d0 + r * plane;
      for (int q = 0; q < cols; q++) {
        int tq = taps[j + q];
        float tail = 0;
        for (int p = bound; p < plane; p++) {
          tail = Math.fma(dy[d + p], s[tq + p], tail);
        }
        float sum = sums[r * WEIGHT_TAPS + q] + tail;
        int at = cAt + r * k + q;
        // sgemm's write-back with alpha = 1 and beta = 0 (first image) or 1
        c[at] = first ? 1f * sum : Math.fma(sum, 1f, 1f * c[at]);
      }
    }
  }

  private static float[] grow(float[] a, int n) {
    return a.length >= n ? a : new float[n];
  }

  private static int[] grow(int[] a, int n) {
    return a.length >= n ? a : new int[n];
  }

  /** One thread's workspace, grown once per larger shape. */
  private static final class Buffers {
    /** One image's shifted planes, (C·kw, H + 2·ph, outW). */
    float[] shifted = new float[0];
    /** Where row j of the image's im2col matrix starts in shifted. */
    int[] taps = new int[0];
    /** The weight gradient's partial sums, one (out·k + out) slice per part. */
    float[] partials = new float[0];
    /** The forward's packed weights, see {@link #pack}. */
    float[] packed = new float[0];
    /** A dot block's sums of lanes. */
    final float[] sums = new float[WEIGHT_ROWS * WEIGHT_TAPS];
  }

  private enum Op { FORWARD, WEIGHTS }

  /**
   * The arguments of one call, in a per-thread object rather than a lambda's captures, so that
   * a call allocates nothing; x/y/w in forward's roles (WEIGHTS: y is dy, bias is dBias).
   */
  private static final class Task implements RangeBody {
    private final DirectConv conv;
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
    /** WEIGHTS: the parts' partial sums; FORWARD: the packed weights. */
    float[] partial;
    /** WEIGHTS: images per part. */
    int perPart;

    Task(DirectConv conv) {
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
      for (int i = start; i < end; i++) {
        if (op == Op.FORWARD) {
          conv.forwardImage(this, i);
        } else {
          conv.weightPart(this, i);
        }
      }
    }
  }
}
