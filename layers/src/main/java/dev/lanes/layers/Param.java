package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;
import java.util.Arrays;

/**
 * A trainable tensor and its gradient, of the same shape. Backward passes add into
 * {@link #grad()}; an optimizer reads it, updates {@link #value()} in place and the training loop
 * calls {@link #zeroGrad()} before the next step. The name is the PyTorch-style parameter name
 * ({@code weight}, {@code bias}, {@code weight_ih}) that model files use.
 */
public final class Param {
  /**
   * From this many values a gradient is zeroed in ranges over the shared pool. On the calling
   * thread alone, a dense layer's 0.4 M values at the start of every training step gave the
   * pool's idle workers time to park, and the step's first parallel loop then waited for them
   * to wake: in traced two-thread CNN steps (an instrumented pool, the same build either way)
   * that loop left 179-200 µs of thread time idle, 136-163 µs with the zeroing over the pool,
   * which itself took 50-62 µs.
   */
  static final int PARALLEL_ZERO = 1 << 16;

  private final String name;
  private final Tensor value;
  private final Tensor grad;
  /** Zeroes grad's values [start, end); bound once, so that zeroGrad allocates nothing. */
  private final RangeBody zeroRange = this::zeroGradRange;

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
    int n = grad.size();
    if (n < PARALLEL_ZERO || Parallel.threads() == 1) {
      zeroGradRange(0, n);
    } else {
      Parallel.parallelForDynamic(n, Parallel.balancedChunk(n, PARALLEL_ZERO / 4), zeroRange);
    }
  }

  private void zeroGradRange(int start, int end) {
    Arrays.fill(grad.data(), grad.offset() + start, grad.offset() + end, 0f);
  }

  @Override
  public String toString() {
    return name + value.shape();
  }
}
