package dev.lanes.core.kernel;

/**
 * Argument checks for the kernel facades: validation happens at the front door, so the
 * implementations can assume valid input. Messages name the kernel and both sides.
 */
public final class Checks {
  private Checks() {}

  /** Fails unless {@code size} is ≥ 0. */
  public static void nonNegative(String kernel, String name, int size) {
    if (size < 0) {
      throw new IllegalArgumentException(kernel + ": " + name + " = " + size + " is negative");
    }
  }

  /** Whether {@code array[offset, offset + length)} lies inside a non-null array. */
  public static boolean fits(float[] array, int offset, long length) {
    return array != null && offset >= 0 && offset + length <= array.length;
  }

  /** Fails unless {@code array[offset, offset + length)} lies inside the array. */
  public static void range(String kernel, String name, float[] array, int offset, long length) {
    if (array == null) {
      throw new IllegalArgumentException(kernel + ": " + name + " is null");
    }
    checkRange(kernel, name, array.length, offset, length);
  }

  /** Fails unless {@code array[offset, offset + length)} lies inside the array. */
  public static void range(String kernel, String name, int[] array, int offset, long length) {
    if (array == null) {
      throw new IllegalArgumentException(kernel + ": " + name + " is null");
    }
    checkRange(kernel, name, array.length, offset, length);
  }

  /** Fails unless {@code array[offset, offset + length)} lies inside the array. */
  public static void range(String kernel, String name, double[] array, int offset, long length) {
    if (array == null) {
      throw new IllegalArgumentException(kernel + ": " + name + " is null");
    }
    checkRange(kernel, name, array.length, offset, length);
  }

  private static void checkRange(String kernel, String name, int arrayLength, int offset,
      long length) {
    if (offset < 0) {
      throw new IllegalArgumentException(
          kernel + ": " + name + " offset " + offset + " is negative");
    }
    if (offset + length > arrayLength) {
      throw new IllegalArgumentException(kernel + ": " + name + " needs " + length
          + " elements from offset " + offset + ", but its array has " + arrayLength);
    }
  }

  /**
   * The product of two sizes as a long, after checking each is ≥ 0. Fixed arities rather than
   * varargs: a varargs array would be allocated on every kernel call.
   */
  public static long product(String kernel, String names, int a, int b) {
    if (a < 0 || b < 0) {
      throw negativeSizes(kernel, names, new int[] {a, b});
    }
    return (long) a * b;
  }

  /** The product of three sizes as a long, after checking each is ≥ 0. */
  public static long product(String kernel, String names, int a, int b, int c) {
    if (a < 0 || b < 0 || c < 0) {
      throw negativeSizes(kernel, names, new int[] {a, b, c});
    }
    return (long) a * b * c;
  }

  private static IllegalArgumentException negativeSizes(String kernel, String names, int[] sizes) {
    return new IllegalArgumentException(
        kernel + ": sizes " + names + " must be ≥ 0, got " + java.util.Arrays.toString(sizes));
  }
}
