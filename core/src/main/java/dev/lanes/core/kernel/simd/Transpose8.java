package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * An 8x8 block transpose in vector registers, for 8-lane species (AVX2): eight rows are loaded
 * as eight vectors and rearranged in three rounds, each interleaving pairs of vectors in runs
 * of 1, 2 and then 4 lanes, so that vector p ends up holding column p. It does 8 loads, 24
 * two-vector rearranges and 8 stores where a scalar transpose does 64 loads and 64 stores to
 * scattered places (the sgemm packing of a transposed B: NT at n = 1024 went from 12% to 4%
 * slower than NN, README's sgemm section).
 *
 * <p>Pure data movement: the result is the scalar transpose's, bit for bit.
 */
final class Transpose8 {
  /** Whether this species can use it: the rounds below are written for 8 lanes. */
  static final boolean AVAILABLE = L == 8;

  // lane q of interleave(h, high) takes, from runs of h lanes, alternately the first vector's
  // and the second's (index + L), from the low (or high) half of each
  private static final VectorShuffle<Float> LO1 = interleave(1, false);
  private static final VectorShuffle<Float> HI1 = interleave(1, true);
  private static final VectorShuffle<Float> LO2 = interleave(2, false);
  private static final VectorShuffle<Float> HI2 = interleave(2, true);
  private static final VectorShuffle<Float> LO4 = interleave(4, false);
  private static final VectorShuffle<Float> HI4 = interleave(4, true);

  private Transpose8() {}

  private static VectorShuffle<Float> interleave(int h, boolean high) {
    return VectorShuffle.fromOp(F, q -> {
      int base = (high ? L / 2 : 0) + q / (2 * h) * h;
      int pos = q % (2 * h);
      return pos < h ? base + pos : L + base + pos - h;
    });
  }

  /**
   * Writes {@code to[toAt + p·toStride + j] = from[rowAt[rowOff + j] + shift + p]} for j and p
   * in [0, 8): eight rows of 8 values from anywhere in {@code from}, transposed. Only when
   * {@link #AVAILABLE}. (One method for every caller: split into loads and a transpose taking
   * the eight vectors, the transpose was too large for C2 to inline, and its vectors were
   * boxed.)
   */
  static void rows(float[] from, int[] rowAt, int rowOff, int shift, float[] to, int toAt,
      int toStride) {
    FloatVector r0 = FloatVector.fromArray(F, from, rowAt[rowOff] + shift);
    FloatVector r1 = FloatVector.fromArray(F, from, rowAt[rowOff + 1] + shift);
    FloatVector r2 = FloatVector.fromArray(F, from, rowAt[rowOff + 2] + shift);
    FloatVector r3 = FloatVector.fromArray(F, from, rowAt[rowOff + 3] + shift);
    FloatVector r4 = FloatVector.fromArray(F, from, rowAt[rowOff + 4] + shift);
    FloatVector r5 = FloatVector.fromArray(F, from, rowAt[rowOff + 5] + shift);
    FloatVector r6 = FloatVector.fromArray(F, from, rowAt[rowOff + 6] + shift);
    FloatVector r7 = FloatVector.fromArray(F, from, rowAt[rowOff + 7] + shift);
    // rows j, j+1 interleaved lane by lane: t0 holds columns 0-3 of rows 0-1, t1 columns 4-7
    FloatVector t0 = r0.rearrange(LO1, r1);
    FloatVector t1 = r0.rearrange(HI1, r1);
    FloatVector t2 = r2.rearrange(LO1, r3);
    FloatVector t3 = r2.rearrange(HI1, r3);
    FloatVector t4 = r4.rearrange(LO1, r5);
    FloatVector t5 = r4.rearrange(HI1, r5);
    FloatVector t6 = r6.rearrange(LO1, r7);
    FloatVector t7 = r6.rearrange(HI1, r7);
    // pairs of lanes: u0 holds columns 0-1 of rows 0-3, u1 columns 2-3, u2 4-5, u3 6-7
    FloatVector u0 = t0.rearrange(LO2, t2);
    FloatVector u1 = t0.rearrange(HI2, t2);
    FloatVector u2 = t1.rearrange(LO2, t3);
    FloatVector u3 = t1.rearrange(HI2, t3);
    FloatVector u4 = t4.rearrange(LO2, t6);
    FloatVector u5 = t4.rearrange(HI2, t6);
    FloatVector u6 = t5.rearrange(LO2, t7);
    FloatVector u7 = t5.rearrange(HI2, t7);
    // halves: rows 0-3 beside rows 4-7, column by column
    u0.rearrange(LO4, u4).intoArray(to, toAt);
    u0.rearrange(HI4, u4).intoArray(to, toAt + toStride);
    u1.rearrange(LO4, u5).intoArray(to, toAt + 2 * toStride);
    u1.rearrange(HI4, u5).intoArray(to, toAt + 3 * toStride);
    u2.rearrange(LO4, u6).intoArray(to, toAt + 4 * toStride);
    u2.rearrange(HI4, u6).intoArray(to, toAt + 5 * toStride);
    u3.rearrange(LO4, u7).intoArray(to, toAt + 6 * toStride);
    u3.rearrange(HI4, u7).intoArray(to, toAt + 7 * toStride);
  }
}
