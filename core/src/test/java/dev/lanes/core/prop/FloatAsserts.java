package dev.lanes.core.prop;

/**
 * Float comparisons with a stated tolerance: {@code |actual - expected| ≤ abs + rel·|expected|}.
 * NaN matches only NaN and an infinity only the same infinity, so special values must propagate
 * exactly as in the reference.
 */
public final class FloatAsserts {
  private FloatAsserts() {}

  /**
   * Asserts the arrays equal bit for bit ({@link Float#floatToIntBits}: -0 differs from +0, any
   * NaN matches any NaN), naming the first index that differs.
   */
  public static void assertSameBits(String what, float[] expected, float[] actual) {
    if (expected.length != actual.length) {
      throw new AssertionError(what + ": length " + actual.length + ", expected "
          + expected.length);
    }
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
        throw new AssertionError(what + "[" + i + "]: " + expected[i] + " vs " + actual[i]
            + " (bits " + Integer.toHexString(Float.floatToIntBits(expected[i])) + " vs "
            + Integer.toHexString(Float.floatToIntBits(actual[i])) + ")");
      }
    }
  }

  /** Whether one value is within tolerance of the expected one. */
  public static boolean close(float expected, float actual, double abs, double rel) {
    if (Float.isNaN(expected) || Float.isNaN(actual)) {
      return Float.isNaN(expected) && Float.isNaN(actual);
    }
    if (Float.isInfinite(expected) || Float.isInfinite(actual)) {
      return expected == actual;
    }
    return Math.abs((double) actual - expected) <= abs + rel * Math.abs((double) expected);
  }

  /** Asserts one value, naming it in the message. */
  public static void assertClose(String what, float expected, float actual, double abs,
      double rel) {
    if (!close(expected, actual, abs, rel)) {
      throw new AssertionError(what + ": expected " + expected + " but got " + actual
          + " (tolerance " + abs + " + " + rel + "·|expected|)");
    }
  }

  /** Asserts n values from the given offsets; the message names the first index that differs. */
  public static void assertClose(String what, float[] expected, int eOff, float[] actual,
      int aOff, int n, double abs, double rel) {
    for (int i = 0; i < n; i++) {
      float e = expected[eOff + i];
      float a = actual[aOff + i];
      if (!close(e, a, abs, rel)) {
        throw new AssertionError(what + "[" + i + "] of " + n + ": expected " + e + " but got " + a
            + " (difference " + Math.abs((double) a - e) + ", tolerance " + abs + " + " + rel
            + "·|expected|)");
      }
    }
  }

  /** Asserts two whole arrays, which must have the same length. */
  public static void assertClose(String what, float[] expected, float[] actual, double abs,
      double rel) {
    if (expected.length != actual.length) {
      throw new AssertionError(what + ": expected " + expected.length + " values but got "
          + actual.length);
    }
    assertClose(what, expected, 0, actual, 0, expected.length, abs, rel);
  }

  /** The absolute values of a, in a new array: run through a reference, a sum's Σ|terms|. */
  public static float[] absolute(float[] a) {
    float[] r = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = Math.abs(a[i]);
    }
    return r;
  }

  /**
   * Each element of a computed sum within {@code units·2⁻²⁴·magnitude[i]} of the exact one (+ a
   * floor for exact zeros), magnitude[i] its Σ|terms|: any float evaluation of a sum of T terms
   * in any order is within T·2⁻²⁴·Σ|terms|, so units is T plus what the algorithm adds.
   */
  public static void assertWithinRoundingBound(String what, float[] expected, float[] actual,
      float[] magnitude, double units) {
    double eps = Math.ulp(1f) / 2;
    for (int i = 0; i < expected.length; i++) {
      double tol = units * eps * magnitude[i] + 1e-30;
      if (Math.abs((double) expected[i] - actual[i]) > tol) {
        throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " but got "
            + actual[i] + " (bound " + tol + ")");
      }
    }
  }
}
