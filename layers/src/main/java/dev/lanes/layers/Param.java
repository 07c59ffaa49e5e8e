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

  public Param(String name, Shape shape) {
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
