package dev.lanes.core.kernel;

import dev.lanes.core.prop.Case;
import java.util.Arrays;

/**
 * What the kernel equivalence tests share: both providers, the lane count, and arrays laid out
 * with a random offset and canaries around the run so that a stray (masked-tail) write shows.
 */
final class KernelPair {
  static final KernelProvider SCALAR = KernelProvider.scalar();
  /** Fails the test class if the JVM lacks the Vector API: the build always adds the flag. */
  static final KernelProvider SIMD = KernelProvider.simd();
  static final int LANES = SIMD.floatLanes();
  static final float CANARY = 777.25f;
  /** 2⁻²⁴: the relative rounding error of one float operation. */
  static final double EPS = Math.ulp(1f) / 2;

  private KernelPair() {}

  /** An output array of {@code off + n + tail} canaries, tail in [0, 3]. */
  static float[] output(Case c, String name, int off, int n) {
    float[] out = new float[off + n + c.intIn(name + ".tail", 0, 3)];
    Arrays.fill(out, CANARY);
    return out;
  }

  /** {@code values} copied into a new array at the given offset, with random floats around it. */
  static float[] placed(Case c, float[] values, int off) {
    float[] a = new float[off + values.length + 2];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) c.random().nextDouble(-1, 1);
    }
    System.arraycopy(values, 0, a, off, values.length);
    return a;
  }

  /** Asserts that nothing outside {@code [off, off + n)} of an output array was written. */
  static void assertCanaries(String what, float[] out, int off, int n) {
    for (int i = 0; i < out.length; i++) {
      if ((i < off || i >= off + n) && Float.floatToRawIntBits(out[i])
          != Float.floatToRawIntBits(CANARY)) {
        throw new AssertionError(what + " wrote outside its range: index " + i + " of "
            + out.length + " holds " + out[i] + " (range [" + off + ", " + (off + n) + "))");
      }
    }
  }
}
