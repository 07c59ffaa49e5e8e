package dev.lanes.core;

import java.util.Arrays;

/**
 * The dimensions of a tensor, outermost first: {@code (N, C, H, W)} for images,
 * {@code (N, T, F)} for sequences, {@code (N, F)} for features. Immutable.
 *
 * <p>{@link #toString()} prints the form used in every error message, {@code (32, 1, 28, 28)}.
 */
public final class Shape {
  private final int[] dims;
  private final int size;

  private Shape(int[] dims) {
    this.dims = dims;
    long n = 1;
    for (int d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException("shape " + format(dims) + " has a negative dimension");
      }
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape " + format(dims) + " has more than " + Integer.MAX_VALUE + " elements");
      }
    }
    this.size = (int) n;
  }

  /** A shape with the given dimensions; each must be ≥ 0 and the product must fit in an int. */
  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  public int rank() {
    return dims.length;
  }

  /** Dimension {@code axis}; a negative axis counts from the end ({@code dim(-1)} is the last). */
  public int dim(int axis) {
    int a = axis < 0 ? dims.length + axis : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
    }
    return dims[a];
  }

  /** The number of elements, the product of all dimensions (1 for a rank-0 shape). */
  public int size() {
    return size;
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  /** The same shape with dimension 0 replaced: {@code (32, 10).withBatch(8)} is {@code (8, 10)}. */
  public Shape withBatch(int batch) {
    if (dims.length == 0) {
      throw new IllegalArgumentException("a rank-0 shape has no batch dimension");
    }
    int[] d = dims.clone();
    d[0] = batch;
    return new Shape(d);
  }

  /** This shape with a leading dimension added: {@code (1, 28, 28).prepend(32)} is {@code (32, 1, 28, 28)}. */
  public Shape prepend(int leading) {
    int[] d = new int[dims.length + 1];
    d[0] = leading;
    System.arraycopy(dims, 0, d, 1, dims.length);
    return new Shape(d);
  }

  /** This shape without its first dimension: {@code (32, 1, 28, 28).dropFirst()} is {@code (1, 28, 28)}. */
  public Shape dropFirst() {
    if (dims.length == 0) {
      throw new IllegalArgumentException("a rank-0 shape has no first dimension");
    }
    return new Shape(java.util.Arrays.copyOfRange(dims, 1, dims.length));
  }

  /**
   * Whether this shape is a batch of samples of the given shape, {@code (N, sample...)} for any
   * N: {@code (32, 1, 28, 28).isBatchOf((1, 28, 28))}. Allocates nothing, unlike comparing with
   * {@link #dropFirst()}, so a layer can check every input of a training step with it.
   */
  public boolean isBatchOf(Shape sample) {
    if (dims.length != sample.dims.length + 1) {
      return false;
    }
    for (int i = 0; i < sample.dims.length; i++) {
      if (dims[i + 1] != sample.dims[i]) {
        return false;
      }
    }
    return true;
  }

  /** The product of the dimensions after the first: the size of one sample. */
  public int sampleSize() {
    if (dims.length == 0) {
      throw new IllegalArgumentException("a rank-0 shape has no samples");
    }
    return dims[0] == 0 ? sizeOf(dims, 1) : size / dims[0];
  }

  private static int sizeOf(int[] dims, int from) {
    int n = 1;
    for (int i = from; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** {@code (32, 1, 28, 28)}; a rank-1 shape prints as {@code (10)}. */
  @Override
  public String toString() {
    return format(dims);
  }

  /** Formats dimensions the way {@link #toString()} does, for messages about raw arrays. */
  public static String format(int... dims) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(dims[i]);
    }
    return sb.append(')').toString();
  }
}
