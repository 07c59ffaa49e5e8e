package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.Arrays;

/**
 * A trainable tensor and its gradient, of the same shape. Backward passes add into
 * {@link #grad()}; an optimizer reads it, updates {@link #value()} in place and the training loop
 * calls {@link #zeroGrad()} before the next step. The name is the PyTorch-style parameter name
 * ({@code weight}, {@code bias}, {@code weight_ih}) that model files use.
 */
public final class Param {
  private final String name;
  private final Tensor value;
  private final Tensor grad;

  /** Values this thread may still allocate for parameters; unlimited unless a loader sets it. */
  private static final ThreadLocal<long[]> LIMIT =
      ThreadLocal.withInitial(() -> new long[] {Long.MAX_VALUE});

  /**
   * Runs {@code build} allowing at most {@code values} parameter values in total on this thread:
   * a model file's architecture could otherwise ask for a layer of billions of weights before
   * the loader has compared it with the tensors the file really holds.
   */
  public static <T> T withAllocationLimit(long values, java.util.function.Supplier<T> build) {
    long[] limit = LIMIT.get();
    long saved = limit[0];
    limit[0] = values;
    try {
      return build.get();
    } finally {
      limit[0] = saved;
    }
  }

  public Param(String name, Shape shape) {
    long limit = LIMIT.get()[0];
    if (shape.size() > limit) {
      throw new IllegalArgumentException("parameter '" + name + "' " + shape + " needs "
          + shape.size() + " values, more than the " + limit + " allowed here");
    }
    LIMIT.get()[0] = limit - shape.size();
    this.name = name;
    this.value = Tensor.zeros(shape);
    this.grad = Tensor.zeros(shape);
  }

  public String name() {
    return name;
  }

  public Tensor value() {
    return value;
  }

  public Tensor grad() {
    return grad;
  }

  public Shape shape() {
    return value.shape();
  }

  public int size() {
    return value.size();
  }

  public void zeroGrad() {
    Arrays.fill(grad.data(), grad.offset(), grad.offset() + grad.size(), 0f);
  }

  @Override
  public String toString() {
    return name + value.shape();
  }
}
