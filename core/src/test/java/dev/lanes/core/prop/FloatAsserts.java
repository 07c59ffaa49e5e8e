package dev.lanes.core.prop;

/**
 * Float comparisons with a stated tolerance: {@code |actual - expected| ≤ abs + rel·|expected|}.
 * NaN matches only NaN and an infinity only the same infinity, so special values must propagate
 * exactly as in the reference.
 */
public final class FloatAsserts {
  private FloatAsserts() {}

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
}
