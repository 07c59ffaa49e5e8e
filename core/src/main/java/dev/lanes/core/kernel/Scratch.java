package dev.lanes.core.kernel;

/**
 * A growable float buffer owned by one thread (kept in a {@link ThreadLocal}): kernels that need
 * workspace take it from here, so that after the first call of a given size they allocate
 * nothing.
 */
final class Scratch {
  private float[] buffer = new float[0];

  /** A buffer of at least n floats; its contents are whatever the last user left. */
  float[] floats(int n) {
    if (buffer.length < n) {
      buffer = new float[n];
    }
    return buffer;
  }
}
