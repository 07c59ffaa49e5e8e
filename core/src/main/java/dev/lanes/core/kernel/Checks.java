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

  /** The product of sizes as a long, after checking each is ≥ 0. */
  public static long product(String kernel, String names, int... sizes) {
    long p = 1;
    for (int s : sizes) {
      if (s < 0) {
        throw new IllegalArgumentException(
            kernel + ": sizes " + names + " must be ≥ 0, got " + java.util.Arrays.toString(sizes));
      }
      p *= s;
    }
    return p;
  }
}
