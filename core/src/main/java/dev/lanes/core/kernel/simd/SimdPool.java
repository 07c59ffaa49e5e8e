package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.I;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.IS_NAN;

import dev.lanes.core.kernel.Pool2dGeometry;
import dev.lanes.core.kernel.PoolKernels;
import dev.lanes.core.kernel.scalar.ScalarPool;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * Pooling on the Vector API: L outputs of a row at a time. With stride 1 a window tap of L
 * neighbouring outputs is one contiguous load; with stride s it is a gather of every s-th
 * element (AVX2's vgatherdps measured about 3x faster than the scalar loop for 2x2 pooling
 * here). Taps run in the reference's row-major order with the same comparison, so results and
 * argmax indices equal the scalar reference's exactly. Outputs whose window crosses the left or
 * right padding are computed one at a time.
 *
 * <p>The backward passes scatter-add into dx, which AVX2 cannot vectorise; they run the
 * reference loops, except max pooling's 2x2 windows with stride 2, which do not overlap
 * ({@link #maxPool2x2Backward}).
 */
final class SimdPool implements PoolKernels {
  /** Gathers serve strides up to this; larger strides (rare) take the one-at-a-time path. */
  private static final int MAX_GATHER_STRIDE = 8;
  /** Planes at least this wide pool one 2x2 window at a time (see {@link #max2x2Block}). */
  private static final int MAX_BLOCK_WIDTH = (1 << 24) - 1;
  /** STRIDE_MAPS[s] = {0, s, 2s, ...}: the gather offsets, and the argmax lane offsets. */
  private static final int[][] STRIDE_MAPS = strideMaps();

  /** Lane j takes lane 2j of the two vectors side by side (indices ≥ L pick the second). */
  private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, j -> 2 * j);
  private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(F, j -> 2 * j + 1);
  /** {0, 2, 4, ...}: the columns of L neighbouring 2x2 windows. */
  private static final IntVector EVEN_INDEX = IntVector.zero(I).addIndex(2);
  /** {0, 1, 2, ...}: L neighbouring columns. */
  private static final IntVector COLUMNS = IntVector.zero(I).addIndex(1);
  /** Lane j takes lane j / 2: each of the first half's lanes twice (the second half's: +L/2). */
  private static final VectorShuffle<Float> PAIRS_LOW = VectorShuffle.fromOp(F, j -> j / 2);
  private static final VectorShuffle<Float> PAIRS_HIGH =
      VectorShuffle.fromOp(F, j -> L / 2 + j / 2);
  private static final VectorShuffle<Integer> INDEX_PAIRS_LOW =
      VectorShuffle.fromOp(I, j -> j / 2);
  private static final VectorShuffle<Integer> INDEX_PAIRS_HIGH =
      VectorShuffle.fromOp(I, j -> L / 2 + j / 2);

  private final ScalarPool reference = new ScalarPool();

  private static int[][] strideMaps() {
    int[][] maps = new int[MAX_GATHER_STRIDE + 1][];
    for (int s = 1; s <= MAX_GATHER_STRIDE; s++) {
      maps[s] = new int[L];
      for (int j = 0; j < L; j++) {
        maps[s][j] = j * s;
      }
    }
    return maps;
  }

  @Override
  public void maxPoolForward(float[] out, int outOff, int[] argmax, int argOff, float[] x,
      int xOff, Pool2dGeometry g) {
    if (g.kernelH() == 2 && g.kernelW() == 2 && g.padH() == 0 && g.padW() == 0) {
      maxPool2x2(out, outOff, argmax, argOff, x, xOff, g);
      return;
    }
    int h = g.height();
    int w = g.width();
    int outH = g.outHeight();
    int outW = g.outWidth();
    int sw = g.strideW();
    int kw = g.kernelW();
    int owLo = ceilDiv(g.padW(), sw);
    int owHi = sw <= MAX_GATHER_STRIDE ? Math.floorDiv(w - kw + g.padW(), sw) : -1;
    for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
      int in = xOff + plane * h * w;
      for (int oh = 0; oh < outH; oh++) {
        int top = oh * g.strideH() - g.padH();
        int kyLo = Math.max(0, -top);
        int kyHi = Math.min(g.kernelH(), h - top);
        int o = (plane * outH + oh) * outW;
        int ow = 0;
        for (; ow < Math.min(owLo, outW); ow++) {
          maxAt(out, outOff, argmax, argOff, x, in, g, top, kyLo, kyHi, ow, o + ow);
        }
        for (; ow + L - 1 <= owHi && ow + L <= outW; ow += L) {
          maxBlock(out, outOff + o + ow, argmax, argOff + o + ow, x, in, w, top, kyLo, kyHi,
              kw, ow * sw - g.padW(), sw);
        }
        for (; ow < outW; ow++) {
          maxAt(out, outOff, argmax, argOff, x, in, g, top, kyLo, kyHi, ow, o + ow);
        }
      }
    }
  }

  /**
   * 2x2 windows without padding (the usual pooling of a CNN). With stride 2, L windows at a
   * time ({@link #max2x2Block}); a row of fewer than L windows (14x14 inputs: 7) takes a block
   * that runs past its end into the next rows, whose outputs are written again when their turn
   * comes ({@link #overhangs}). Otherwise one window at a time in scalar code without branches
   * ({@link #max2x2At}): on random data the comparisons of a
   * window go either way, and as branches they were mispredicted about once per output (18 ns
   * per output, 5x slower than this; the gathers of the vector path, stride 2 taking every
   * other element, were no faster). A second, 128-bit block for rows of 4 to L - 1 outputs
   * (14x14 inputs) was tried and dropped: fast alone, but once both widths had run in one JVM,
   * C2 boxed the L-lane block's vectors (2.7 MB per call on (64, 32, 28, 28)). The index of the
   * winner is picked with conditional moves against a running {@code Math.max}, which compares
   * exactly like the winner's value (−0 and +0 compare equal), and the output is then read at
   * that index, so ties go to the first tap and the result and argmax equal the reference's.
   * A window holding NaN (its sum is NaN) takes the reference's comparison instead.
   * On (64, 64, 14, 14), a CNN step's second pooling, the overhanging blocks took the forward
   * from 1.55 to 0.58 ms and the backward from 2.87 to 0.41 ms (probe loops, README).
   */
  private static void maxPool2x2(float[] out, int outOff, int[] argmax, int argOff, float[] x,
      int xOff, Pool2dGeometry g) {
    int w = g.width();
    int outH = g.outHeight();
    int outW = g.outWidth();
    int sh = g.strideH();
    int sw = g.strideW();
    // (the block holds a window's tap offsets 0, 1, w and w + 1 as floats: exact below 2^24)
    boolean blocks = sw == 2 && w < MAX_BLOCK_WIDTH;
    boolean vectors = blocks && outW >= L;
    int planes = g.batch() * g.channels();
    int xEnd = xOff + planes * g.height() * w;
    int outputs = planes * outH * outW;
    for (int plane = 0; plane < planes; plane++) {
      int in = xOff + plane * g.height() * w;
      for (int oh = 0; oh < outH; oh++) {
        int o = (plane * outH + oh) * outW;
        int r0 = oh * sh * w;
        if (blocks && outW < L && overhangs(in + r0 + w + 2 * L, xEnd, o + L, outputs)) {
          max2x2Block(out, outOff + o, argmax, argOff + o, x, in, r0, w);
        } else if (vectors) {
          // L outputs at a time; the last block overlaps the one before it rather than leave a
          // scalar tail (it writes the same values again)
          for (int ow = 0; ; ow += L) {
            int first = Math.min(ow, outW - L);
            max2x2Block(out, outOff + o + first, argmax, argOff + o + first, x, in,
                r0 + 2 * first, w);
            if (first == outW - L) {
              break;
            }
          }
        } else {
          for (int ow = 0; ow < outW; ow++) {
            max2x2At(out, outOff + o + ow, argmax, argOff + o + ow, x, in, r0 + ow * sw, w);
          }
        }
      }
    }
  }

  /**
   * Whether a block of L windows may run past the end of a row of fewer: its reads end at
   * {@code readEnd} (input end {@code inputEnd}) and its writes at output {@code outputEnd} (of
   * {@code outputs}). Only within the call's own tensors: its last rows go one window at a
   * time, so that a block never writes outputs that a later row will not write again (a split
   * of the planes between threads calls the kernel once per block of planes).
   */
  private static boolean overhangs(int readEnd, int inputEnd, int outputEnd, int outputs) {
    return readEnd <= inputEnd && outputEnd <= outputs;
  }

  /** One 2x2 window whose top-left input is at c (in the plane that starts at in). */
  private static void max2x2At(float[] out, int o, int[] argmax, int a, float[] x, int in,
      int c, int w) {
    float v0 = x[in + c];
    float v1 = x[in + c + 1];
    float v2 = x[in + c + w];
    float v3 = x[in + c + w + 1];
    int at;
    if (!Float.isNaN(v0 + v1 + v2 + v3)) {
      at = c;
      float m = v0;
      at = v1 > m ? c + 1 : at;
      m = Math.max(m, v1);
      at = v2 > m ? c + w : at;
      m = Math.max(m, v2);
      at = v3 > m ? c + w + 1 : at;
    } else {
      at = nanWindow2x2(v0, v1, v2, v3, c, w);
    }
    out[o] = x[in + at];
    argmax[a] = at;
  }

  /**
   * L neighbouring 2x2 windows with stride 2, the first one's top-left input at c: each row's
   * 2L inputs are split into their even and odd columns (two-vector rearranges), and the four
   * taps compared in the reference's order with its strict {@code >}, the winner's value and
   * tap kept by blends (so -0 and +0 stay as they were). A block holding NaN takes the scalar
   * windows, which know the reference's NaN rule. The tap (0, 1, w or w + 1, exact as a float
   * for planes narrower than 2^24) is blended in a float vector with the comparisons' own masks
   * and converted to the index once: with int indices blended under the masks cast to int, the
   * method was 364 bytes of bytecode, past the 325 up to which C2 inlines a hot call, and the
   * first pooling of the CNN (64, 32, 28, 28) took 14.6-15.3 µs an image, against 10.6-12.8
   * this way (probe loops, one image at a time as {@code PooledConv} pools).
   */
  private static void max2x2Block(float[] out, int o, int[] argmax, int a, float[] x, int in,
      int c, int w) {
    FloatVector row0Lo = FloatVector.fromArray(F, x, in + c);
    FloatVector row0Hi = FloatVector.fromArray(F, x, in + c + L);
    FloatVector row1Lo = FloatVector.fromArray(F, x, in + c + w);
    FloatVector row1Hi = FloatVector.fromArray(F, x, in + c + w + L);
    FloatVector v0 = row0Lo.rearrange(EVEN, row0Hi);
    FloatVector v1 = row0Lo.rearrange(ODD, row0Hi);
    FloatVector v2 = row1Lo.rearrange(EVEN, row1Hi);
    FloatVector v3 = row1Lo.rearrange(ODD, row1Hi);
    if (v0.add(v1).add(v2).add(v3).test(IS_NAN).anyTrue()) {
      max2x2Windows(out, o, argmax, a, x, in, c, w);
      return;
    }
    FloatVector best = v0;
    FloatVector tap = FloatVector.zero(F);
    VectorMask<Float> better = v1.compare(GT, best);
    best = best.blend(v1, better);
    tap = tap.blend(1f, better);
    better = v2.compare(GT, best);
    best = best.blend(v2, better);
    tap = tap.blend((float) w, better);
    better = v3.compare(GT, best);
    best = best.blend(v3, better);
    tap = tap.blend((float) (w + 1), better);
    best.intoArray(out, o);
    ((IntVector) tap.convert(F2I, 0)).add(EVEN_INDEX).add(c).intoArray(argmax, a);
  }

  /** L neighbouring 2x2 windows one at a time, the first one's top-left input at c. */
  private static void max2x2Windows(float[] out, int o, int[] argmax, int a, float[] x, int in,
      int c, int w) {
    for (int j = 0; j < L; j++) {
      max2x2At(out, o + j, argmax, a + j, x, in, c + 2 * j, w);
    }
  }

  /** The reference's choice in a 2x2 window (a b / d e) at c that holds a NaN (or ±∞ both). */
  private static int nanWindow2x2(float a, float b, float d, float e, int c, int w) {
    float best = a;
    int at = c;
    if (ScalarPool.isBetter(b, best)) {
      best = b;
      at = c + 1;
    }
    if (ScalarPool.isBetter(d, best)) {
      best = d;
      at = c + w;
    }
    if (ScalarPool.isBetter(e, best)) {
      at = c + w + 1;
    }
    return at;
  }

  /** L outputs whose windows lie inside the row; {@code left} is the first output's first column. */
  private static void maxBlock(float[] out, int o, int[] argmax, int a, float[] x, int in, int w,
      int top, int kyLo, int kyHi, int kw, int left, int sw) {
    int[] map = STRIDE_MAPS[sw];
    IntVector laneOffsets = IntVector.fromArray(I, map, 0);
    int ih = top + kyLo;
    FloatVector best = tap(x, in + ih * w + left, sw, map);
    IntVector bestAt = laneOffsets.add(ih * w + left);
    int taps = (kyHi - kyLo) * kw;
    for (int t = 1; t < taps; t++) {
      ih = top + kyLo + t / kw;
      int col = left + t % kw;
      FloatVector v = tap(x, in + ih * w + col, sw, map);
      VectorMask<Float> better = v.compare(GT, best).or(v.test(IS_NAN).andNot(best.test(IS_NAN)));
      best = best.blend(v, better);
      bestAt = bestAt.blend(laneOffsets.add(ih * w + col), better.cast(I));
    }
    best.intoArray(out, o);
    bestAt.intoArray(argmax, a);
  }

  private static FloatVector tap(float[] x, int at, int sw, int[] map) {
    return sw == 1 ? FloatVector.fromArray(F, x, at) : FloatVector.fromArray(F, x, at, map, 0);
  }

  private static void maxAt(float[] out, int outOff, int[] argmax, int argOff, float[] x, int in,
      Pool2dGeometry g, int top, int kyLo, int kyHi, int ow, int o) {
    int w = g.width();
    int left = ow * g.strideW() - g.padW();
    float best = 0;
    int bestAt = -1;
    for (int ky = kyLo; ky < kyHi; ky++) {
      int ih = top + ky;
      for (int kx = Math.max(0, -left); kx < Math.min(g.kernelW(), w - left); kx++) {
        float v = x[in + ih * w + left + kx];
        if (bestAt < 0 || ScalarPool.isBetter(v, best)) {
          best = v;
          bestAt = ih * w + left + kx;
        }
      }
    }
    out[outOff + o] = best;
    argmax[argOff + o] = bestAt;
  }

  @Override
  public void maxPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, int[] argmax,
      int argOff, Pool2dGeometry g) {
    if (g.kernelH() == 2 && g.kernelW() == 2 && g.strideH() == 2 && g.strideW() == 2
        && g.padH() == 0 && g.padW() == 0) {
      maxPool2x2Backward(dx, dxOff, dy, dyOff, argmax, argOff, g);
    } else {
      reference.maxPoolBackward(dx, dxOff, dy, dyOff, argmax, argOff, g);
    }
  }

  /**
   * 2x2 windows with stride 2 and no padding do not overlap, so every input gets either its
   * window's gradient (where the forward found the maximum) or zero, and dx is written once,
   * row by row, instead of being zeroed and then scattered into (the reference's way, which
   * reads the zeroed planes back from memory). L windows at a time: each input of their rows
   * gets its window's dy where the window's argmax is that input, +0 elsewhere, the windows'
   * dy and argmax spread to their inputs' lanes by one-vector rearranges (where each tap's
   * values, interleaved back by two-vector rearranges, took the backward of (64, 32, 28, 28)
   * 1.17-1.29x as long in probe loops). A row of fewer than L windows takes a block that runs
   * past its end into the next rows, which are written again when their turn comes ({@link
   * #overhangs}); the call's last rows go one window at a time. The gradient is added to +0 as
   * the reference adds it to its zeroed dx (so -0 becomes +0): the result is the reference's,
   * bit for bit.
   */
  private static void maxPool2x2Backward(float[] dx, int dxOff, float[] dy, int dyOff,
      int[] argmax, int argOff, Pool2dGeometry g) {
    int h = g.height();
    int w = g.width();
    int outH = g.outHeight();
    int outW = g.outWidth();
    int planes = g.batch() * g.channels();
    int dxEnd = dxOff + planes * h * w;
    int outputs = planes * outH * outW;
    for (int plane = 0; plane < planes; plane++) {
      int in = dxOff + plane * h * w;
      for (int oh = 0; oh < outH; oh++) {
        int o = (plane * outH + oh) * outW;
        int r0 = 2 * oh * w;
        if (outW < L && overhangs(in + r0 + w + 2 * L, dxEnd, o + L, outputs)) {
          // the top row's overhang lands in the bottom row, written right after it
          unpool2x2Block(dx, in, r0, w, dy, dyOff + o, argmax, argOff + o);
        } else if (outW >= L) {
          // the last block overlaps the one before it rather than leave a scalar tail
          for (int ow = 0; ; ow += L) {
            int first = Math.min(ow, outW - L);
            unpool2x2Block(dx, in, r0 + 2 * first, w, dy, dyOff + o + first, argmax,
                argOff + o + first);
            if (first == outW - L) {
              break;
            }
          }
        } else {
          for (int ow = 0; ow < outW; ow++) {
            int c = r0 + 2 * ow;
            float v = 0f + dy[dyOff + o + ow];
            int at = argmax[argOff + o + ow];
            dx[in + c] = at == c ? v : 0f;
            dx[in + c + 1] = at == c + 1 ? v : 0f;
            dx[in + c + w] = at == c + w ? v : 0f;
            dx[in + c + w + 1] = at == c + w + 1 ? v : 0f;
          }
        }
        if (w > 2 * outW) { // an odd width: the last column is in no window
          dx[in + r0 + w - 1] = 0f;
          dx[in + r0 + 2 * w - 1] = 0f;
        }
      }
      // rows past the last window's (an odd height)
      Arrays.fill(dx, in + 2 * outH * w, in + h * w, 0f);
    }
  }

  /**
   * The inputs of L neighbouring windows, the first one's top-left at c in the plane at dx[in]:
   * dy[o + j] to the argmax of window j, zeros to the other three.
   */
  private static void unpool2x2Block(float[] dx, int in, int c, int w, float[] dy, int o,
      int[] argmax, int a) {
    FloatVector zero = FloatVector.zero(F);
    FloatVector v = zero.add(FloatVector.fromArray(F, dy, o));
    IntVector at = IntVector.fromArray(I, argmax, a);
    // input lane k of the first (second) L inputs of a row is in window k / 2 (L/2 + k / 2):
    // its dy and argmax side by side with it, for a plain compare with the input's index
    FloatVector vLow = v.rearrange(PAIRS_LOW);
    FloatVector vHigh = v.rearrange(PAIRS_HIGH);
    IntVector atLow = at.rearrange(INDEX_PAIRS_LOW);
    IntVector atHigh = at.rearrange(INDEX_PAIRS_HIGH);
    IntVector columns = COLUMNS.add(c);
    zero.blend(vLow, atLow.compare(EQ, columns).cast(F)).intoArray(dx, in + c);
    zero.blend(vHigh, atHigh.compare(EQ, columns.add(L)).cast(F)).intoArray(dx, in + c + L);
    zero.blend(vLow, atLow.compare(EQ, columns.add(w)).cast(F)).intoArray(dx, in + c + w);
    zero.blend(vHigh, atHigh.compare(EQ, columns.add(w + L)).cast(F))
        .intoArray(dx, in + c + w + L);
  }

  @Override
  public void avgPoolForward(float[] out, int outOff, float[] x, int xOff, Pool2dGeometry g,
      boolean countPadding) {
    int h = g.height();
    int w = g.width();
    int outH = g.outHeight();
    int outW = g.outWidth();
    int sw = g.strideW();
    int kw = g.kernelW();
    int owLo = ceilDiv(g.padW(), sw);
    int owHi = sw <= MAX_GATHER_STRIDE ? Math.floorDiv(w - kw + g.padW(), sw) : -1;
    for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
      int in = xOff + plane * h * w;
      for (int oh = 0; oh < outH; oh++) {
        int top = oh * g.strideH() - g.padH();
        int kyLo = Math.max(0, -top);
        int kyHi = Math.min(g.kernelH(), h - top);
        int o = outOff + (plane * outH + oh) * outW;
        int ow = 0;
        for (; ow < Math.min(owLo, outW); ow++) {
          out[o + ow] = avgAt(x, in, g, top, kyLo, kyHi, ow, countPadding);
        }
        // inside the row every window has all kw columns: the count is the same for all L
        float divisor = countPadding ? g.kernelH() * kw : (kyHi - kyLo) * kw;
        for (; ow + L - 1 <= owHi && ow + L <= outW; ow += L) {
          int[] map = STRIDE_MAPS[sw];
          int left = ow * sw - g.padW();
          FloatVector sum = FloatVector.zero(F);
          for (int ky = kyLo; ky < kyHi; ky++) {
            for (int kx = 0; kx < kw; kx++) {
              sum = sum.add(tap(x, in + (top + ky) * w + left + kx, sw, map));
            }
          }
          sum.div(divisor).intoArray(out, o + ow);
        }
        for (; ow < outW; ow++) {
          out[o + ow] = avgAt(x, in, g, top, kyLo, kyHi, ow, countPadding);
        }
      }
    }
  }

  private static float avgAt(float[] x, int in, Pool2dGeometry g, int top, int kyLo, int kyHi,
      int ow, boolean countPadding) {
    int w = g.width();
    int left = ow * g.strideW() - g.padW();
    int kxLo = Math.max(0, -left);
    int kxHi = Math.min(g.kernelW(), w - left);
    float sum = 0;
    for (int ky = kyLo; ky < kyHi; ky++) {
      for (int kx = kxLo; kx < kxHi; kx++) {
        sum += x[in + (top + ky) * w + left + kx];
      }
    }
    return sum / (countPadding ? g.kernelH() * g.kernelW() : (kyHi - kyLo) * (kxHi - kxLo));
  }

  @Override
  public void avgPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, Pool2dGeometry g,
      boolean countPadding) {
    reference.avgPoolBackward(dx, dxOff, dy, dyOff, g, countPadding);
  }

  @Override
  public void globalAvgPoolForward(float[] out, int outOff, float[] x, int xOff, int batch,
      int channels, int spatial) {
    float[] tail = Tail.buffer(0);
    for (int p = 0; p < batch * channels; p++) {
      out[outOff + p] = SimdReductions.sumOf(x, xOff + p * spatial, spatial, tail) / spatial;
    }
  }

  @Override
  public void globalAvgPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, int batch,
      int channels, int spatial) {
    for (int p = 0; p < batch * channels; p++) {
      float value = dy[dyOff + p] / spatial;
      FloatVector share = FloatVector.broadcast(F, value);
      int base = dxOff + p * spatial;
      int i = 0;
      for (int bound = F.loopBound(spatial); i < bound; i += L) {
        share.intoArray(dx, base + i);
      }
      for (; i < spatial; i++) {
        dx[base + i] = value;
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
