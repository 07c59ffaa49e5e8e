package dev.lanes.layers.init;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Elementwise;
import java.util.random.RandomGenerator;

/**
 * Every element the same value: {@link Initializer#zeros()} for biases, {@link
 * Initializer#ones()} for a batch norm's scale. Ignores the fans and draws nothing.
 *
 * @param value finite
 */
public record Constant(float value) implements Initializer {
  public Constant {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException("Constant: value must be finite, got " + value);
    }
  }

  @Override
  public void fill(Tensor t, int fanIn, int fanOut, RandomGenerator random) {
    Elementwise.fill(t.data(), t.offset(), value, t.size());
  }

  /** Any tensor, a bias included: a constant needs no fans. */
  @Override
  public void fill(Tensor t, RandomGenerator random) {
    fill(t, 0, 0, random);
  }
}
