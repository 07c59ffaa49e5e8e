package dev.lanes.core;

import java.util.Arrays;

/**
 * A float32 tensor: a {@link Shape} over a row-major, contiguous run of a {@code float[]}
 * starting at an offset. Views ({@link #reshape}, {@link #slice}) share the array, so writing
 * through a view writes the original.
 *
 * <p>Tensor is deliberately small: the math lives in the kernel facades of
 * {@code dev.lanes.core.kernel}, which take the array and offset directly.
 */
public final class Tensor {
  private final float[] data;
  private final int offset;
  private final Shape shape;

  /**
   * A view of {@code data[offset .. offset + shape.size())} with the given shape.
   *
   * @throws IllegalArgumentException if the array is too short for the shape at that offset
   */
  public Tensor(float[] data, int offset, Shape shape) {
    if (offset < 0 || (long) offset + shape.size() > data.length) {
      throw new IllegalArgumentException(
          "tensor of shape " + shape + " (" + shape.size() + " elements) at offset " + offset
              + " does not fit in an array of " + data.length);
    }
    this.data = data;
    this.offset = offset;
    this.shape = shape;
  }

  /** A new tensor of zeros. */
  public static Tensor zeros(Shape shape) {
    return new Tensor(new float[shape.size()], 0, shape);
  }

  /** A new tensor of zeros with the given dimensions. */
  public static Tensor zeros(int... dims) {
    return zeros(Shape.of(dims));
  }

  /** Wraps {@code data} (not copied) as a tensor of the given dimensions; sizes must match. */
  public static Tensor wrap(float[] data, int... dims) {
    Shape shape = Shape.of(dims);
    if (shape.size() != data.length) {
      throw new IllegalArgumentException(
          "shape " + shape + " needs " + shape.size() + " values, got " + data.length);
    }
    return new Tensor(data, 0, shape);
  }

  /** The backing array, shared: element {@code i} of this tensor is {@code data()[offset() + i]}. */
  public float[] data() {
    return data;
  }

  public int offset() {
    return offset;
  }

  public Shape shape() {
    return shape;
  }

  /** The number of elements. */
  public int size() {
    return shape.size();
  }

  /** Dimension {@code axis} of the shape (negative counts from the end). */
  public int dim(int axis) {
    return shape.dim(axis);
  }

  /**
   * A view with another shape of the same size. One dimension may be -1 and is then inferred:
   * {@code x.reshape(-1, 784)} turns {@code (32, 1, 28, 28)} into {@code (32, 784)}.
   */
  public Tensor reshape(int... dims) {
    int[] d = dims.clone();
    int inferred = -1;
    long known = 1;
    for (int i = 0; i < d.length; i++) {
      if (d[i] == -1) {
        if (inferred >= 0) {
          throw new IllegalArgumentException("reshape " + shape + " to " + Shape.format(dims)
              + ": only one dimension can be -1");
        }
        inferred = i;
      } else {
        known *= d[i];
      }
    }
    if (inferred >= 0) {
      if (known == 0 || size() % known != 0) {
        throw new IllegalArgumentException("reshape " + shape + " to " + Shape.format(dims)
            + ": " + size() + " elements do not divide into " + Shape.format(dims));
      }
      d[inferred] = (int) (size() / known);
    }
    Shape target = Shape.of(d);
    if (target.size() != size()) {
      throw new IllegalArgumentException("reshape " + shape + " to " + target + ": sizes differ ("
          + size() + " vs " + target.size() + " elements)");
    }
    return new Tensor(data, offset, target);
  }

  /** A view of samples {@code [from, to)} along dimension 0, sharing the array. */
  public Tensor slice(int from, int to) {
    int n = shape.dim(0);
    if (from < 0 || to > n || from > to) {
      throw new IllegalArgumentException(
          "slice [" + from + ", " + to + ") is out of range for shape " + shape);
    }
    int sample = shape.sampleSize();
    return new Tensor(data, offset + from * sample, shape.withBatch(to - from));
  }

  /** The element at the given index, one coordinate per dimension. */
  public float get(int... index) {
    return data[offset + flatIndex(index)];
  }

  /** Sets the element at the given index, one coordinate per dimension. */
  public void set(float value, int... index) {
    data[offset + flatIndex(index)] = value;
  }

  private int flatIndex(int[] index) {
    if (index.length != shape.rank()) {
      throw new IllegalArgumentException("index " + Shape.format(index) + " has " + index.length
          + " coordinates but the shape " + shape + " has " + shape.rank());
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      int d = shape.dim(i);
      if (index[i] < 0 || index[i] >= d) {
        throw new IndexOutOfBoundsException(
            "index " + Shape.format(index) + " is out of range for shape " + shape);
      }
      flat = flat * d + index[i];
    }
    return flat;
  }

  /** A copy of the elements as a new array of {@link #size()}. */
  public float[] toArray() {
    return Arrays.copyOfRange(data, offset, offset + size());
  }

  /** A deep copy with its own array. */
  public Tensor copy() {
    return new Tensor(toArray(), 0, shape);
  }

  /** {@code Tensor(2, 3)[1.0, 2.0, ...]}, with at most the first 8 values. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor").append(shape).append('[');
    int shown = Math.min(size(), 8);
    for (int i = 0; i < shown; i++) {
      sb.append(i > 0 ? ", " : "").append(data[offset + i]);
    }
    return sb.append(size() > shown ? ", ...]" : "]").toString();
  }
}
