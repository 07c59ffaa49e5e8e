package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * An 8x8 block transpose in vector registers, for 8-lane species (AVX2): eight rows are loaded
 * as eight vectors and exchanged in three rounds, h = 1, 2 and 4. Row j's value p starts in
 * vector j, lane p; a round takes each pair of vectors whose numbers differ only in bit h and
 * swaps bit h between the vector's number and the lane's, so that after the three rounds value
 * (j, p) is in vector p, lane j: column p. A round's vector is one of the pair blended with
 * the other's runs of h lanes swapped ({@code q -> q ^ h}), a one-vector rearrange. That is 8
 * loads, 24 one-vector rearranges, 24 blends and 8 stores where a scalar transpose does 64
 * loads and 64 stores to scattered places (the sgemm packing of a transposed B: NT at n = 1024
 * went from 12% to 4% slower than NN, README's sgemm section). The rounds were first written
 * as 24 two-vector rearranges (an unpack each, interleaving runs of two vectors), which AVX2
 * has no single instruction for: 1.2-1.6x as long per 8x8 block in a probe loop alternating
 * the two, and the transposes in the CNN's second convolution's backward passes had taken 6%
 * of a one-thread training step's samples in a JFR profile.
 *
 * <p>Pure data movement: the result is the scalar transpose's, bit for bit.
 */
final class Transpose8 {
  /** Whether this species can use it: the rounds below are written for 8 lanes. */
  static final boolean AVAILABLE = L == 8;

  // SWAP_h swaps neighbouring runs of h lanes; TAKE_h marks the lanes whose bit h is set
  private static final VectorShuffle<Float> SWAP1 = swap(1);
  private static final VectorShuffle<Float> SWAP2 = swap(2);
  private static final VectorShuffle<Float> SWAP4 = swap(4);
  private static final VectorMask<Float> TAKE1 = take(1);
  private static final VectorMask<Float> TAKE2 = take(2);
  private static final VectorMask<Float> TAKE4 = take(4);

  private Transpose8() {}

  private static VectorShuffle<Float> swap(int h) {
    // within the species whatever its lanes: built on every species, used on 8 lanes only
    return VectorShuffle.fromOp(F, q -> (q ^ h) & (L - 1));
  }

  private static VectorMask<Float> take(int h) {
    boolean[] bits = new boolean[L];
    for (int q = 0; q < L; q++) {
      bits[q] = (q & h) != 0;
    }
    return VectorMask.fromArray(F, bits, 0);
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
    // h = 1, pairs (j, j + 1): t_j holds rows j, j + 1 of the even columns, t_j+1 of the odd
    FloatVector t0 = r0.blend(r1.rearrange(SWAP1), TAKE1);
    FloatVector t1 = r0.rearrange(SWAP1).blend(r1, TAKE1);
    FloatVector t2 = r2.blend(r3.rearrange(SWAP1), TAKE1);
    FloatVector t3 = r2.rearrange(SWAP1).blend(r3, TAKE1);
    FloatVector t4 = r4.blend(r5.rearrange(SWAP1), TAKE1);
    FloatVector t5 = r4.rearrange(SWAP1).blend(r5, TAKE1);
    FloatVector t6 = r6.blend(r7.rearrange(SWAP1), TAKE1);
    FloatVector t7 = r6.rearrange(SWAP1).blend(r7, TAKE1);
    // h = 2, pairs (v, v + 2): u_v holds four rows of the columns p with p % 4 == v % 4
    FloatVector u0 = t0.blend(t2.rearrange(SWAP2), TAKE2);
    FloatVector u2 = t0.rearrange(SWAP2).blend(t2, TAKE2);
    FloatVector u1 = t1.blend(t3.rearrange(SWAP2), TAKE2);
    FloatVector u3 = t1.rearrange(SWAP2).blend(t3, TAKE2);
    FloatVector u4 = t4.blend(t6.rearrange(SWAP2), TAKE2);
    FloatVector u6 = t4.rearrange(SWAP2).blend(t6, TAKE2);
    FloatVector u5 = t5.blend(t7.rearrange(SWAP2), TAKE2);
    FloatVector u7 = t5.rearrange(SWAP2).blend(t7, TAKE2);
    // h = 4, pairs (v, v + 4): rows 0-3 beside rows 4-7, column v and column v + 4
    u0.blend(u4.rearrange(SWAP4), TAKE4).intoArray(to, toAt);
    u1.blend(u5.rearrange(SWAP4), TAKE4).intoArray(to, toAt + toStride);
    u2.blend(u6.rearrange(SWAP4), TAKE4).intoArray(to, toAt + 2 * toStride);
    u3.blend(u7.rearrange(SWAP4), TAKE4).intoArray(to, toAt + 3 * toStride);
    u0.rearrange(SWAP4).blend(u4, TAKE4).intoArray(to, toAt + 4 * toStride);
    u1.rearrange(SWAP4).blend(u5, TAKE4).intoArray(to, toAt + 5 * toStride);
    u2.rearrange(SWAP4).blend(u6, TAKE4).intoArray(to, toAt + 6 * toStride);
    u3.rearrange(SWAP4).blend(u7, TAKE4).intoArray(to, toAt + 7 * toStride);
  }
}
