package dev.lanes.core.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one float species every SIMD kernel uses: {@link FloatVector#SPECIES_PREFERRED} unless
 * {@code -Dlanes.vectorBits=128|256|512} asks for a narrower one (for testing the kernels at
 * every width the CPU has). It is a {@code static final} constant, which the Vector API needs
 * to intrinsify; a species held in a field or chosen per call would run boxed, about 100x slower.
 */
final class FloatSpecies {
  static final VectorSpecies<Float> F = choose();
  /** Float lanes per vector. */
  static final int L = F.length();
  /** Ints of the same shape, so an int lane lines up with each float lane (indices, masks). */
  static final VectorSpecies<Integer> I = F.withLanes(int.class);

  private FloatSpecies() {}

  private static VectorSpecies<Float> choose() {
    VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
    String requested = System.getProperty("lanes.vectorBits", "").trim();
    if (requested.isEmpty()) {
      return preferred;
    }
    int bits;
    try {
      bits = Integer.parseInt(requested);
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (bits != 128 && bits != 256 && bits != 512) {
      throw new IllegalArgumentException(
          "-Dlanes.vectorBits=" + requested + ": expected 128, 256 or 512");
    }
    if (bits > preferred.vectorBitSize()) {
      // A species wider than the hardware is emulated in Java: correct, but ~100x slower.
      System.getLogger("dev.lanes.core.kernel").log(System.Logger.Level.WARNING,
          "-Dlanes.vectorBits=" + bits + " is wider than this CPU's "
              + preferred.vectorBitSize() + "-bit vectors; using " + preferred.vectorBitSize());
      return preferred;
    }
    return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
  }
}
