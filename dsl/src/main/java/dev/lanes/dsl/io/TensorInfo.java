package dev.lanes.dsl.io;

import dev.lanes.core.Shape;

/**
 * One tensor's entry in a safetensors header, checked on its own: a known dtype, a shape whose
 * element count fits a Lanes tensor, and data offsets {@code [begin, end)} relative to the
 * start of the data. {@link Layout} checks the entries against each other and the file.
 *
 * @param index the entry's position in the header, which orders tensors at the same offsets
 */
record TensorInfo(String name, Dtype dtype, int[] dims, int count, long begin, long end,
    int index) {

  /** The element count times the dtype size: what {@code end - begin} must be. */
  long bytes() {
    return (long) count * dtype.bytes();
  }

  Shape shape() {
    return Shape.of(dims);
  }

  /** {@code [2, 3]} as written in the header, for messages. */
  String offsets() {
    return "[" + begin + ", " + end + "]";
  }
}
