package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.L;

import java.util.Arrays;

/**
 * The last n % L elements of a loop as one whole vector, without a mask: the values are copied
 * into a per-thread array of L floats and the lanes past them filled with a chosen value, so
 * a plain load gives exactly the vector that a masked load would (masked lanes read 0, or
 * whatever fill the kernel needs), and the kernel's vector code runs on it unchanged: the bits
 * of every result are those of the masked version. Why: on AVX2, C2 leaves some masked loads,
 * stores and the masks themselves as boxed objects (softmax on 64 rows of 10 classes allocated
 * 8 KB per call), and a training step should allocate nothing.
 */
final class Tail {
  private static final ThreadLocal<float[][]> BUFFERS =
      ThreadLocal.withInitial(() -> new float[2][L]);

  private Tail() {}

  /** Buffer {@code slot} (0 or 1) holding a[from, from + count), then fill to L lanes. */
  static float[] load(int slot, float[] a, int from, int count, float fill) {
    return load(BUFFERS.get()[slot], a, from, count, fill);
  }

  /**
   * {@code t}, an array of L floats of the caller's own (one per thread), holding a[from, from +
   * count), then fill to L lanes: for kernels that take many tails in one call, or are called
   * many times on short runs, where the thread-local lookup of {@link #load(int, float[], int,
   * int, float)} adds up (about a third of summing a 196-value plane).
   */
  static float[] load(float[] t, float[] a, int from, int count, float fill) {
    System.arraycopy(a, from, t, 0, count);
    Arrays.fill(t, count, L, fill);
    return t;
  }

  /** The calling thread's buffer {@code slot} (0 or 1), to pass to the load above. */
  static float[] buffer(int slot) {
    return BUFFERS.get()[slot];
  }

  /**
   * Buffer {@code slot} (0 or 1) filled with zeros, for a kernel that copies many tails of the
   * same length into its first lanes: the lanes past them stay zero, so one fill serves them all.
   */
  static float[] zeros(int slot) {
    float[] t = BUFFERS.get()[slot];
    Arrays.fill(t, 0f);
    return t;
  }
}
