package dev.lanes.layers.init;

import dev.lanes.core.Tensor;
import java.util.random.RandomGenerator;

/**
 * Fills a parameter tensor with initial values drawn from a given random source, so a run with
 * a seeded source repeats exactly.
 *
 * <p>The fans are arguments rather than read from the tensor's shape because they are not always
 * the tensor's own: PyTorch draws a Linear or Conv2d bias from U(±1/√fan_in) with the fan-in of
 * the weight, and recurrent layers use the hidden size. For a weight whose fans follow from its
 * shape, {@link #fill(Tensor, RandomGenerator)} computes them with {@link Fans#of}.
 *
 * <pre>{@code
 * RandomGenerator random = new SplittableRandom(seed);
 * new HeNormal().fill(weight.value(), random);                 // weight (out, in, kh, kw)
 * Initializer.zeros().fill(bias.value(), fans.in(), fans.out(), random);
 * }</pre>
 */
public interface Initializer {
  /**
   * Overwrites every element of t.
   *
   * @param fanIn the number of inputs that feed one output unit (in·kh·kw for a conv weight)
   * @param fanOut the number of outputs one input unit feeds (out·kh·kw for a conv weight)
   * @throws IllegalArgumentException if a fan is negative, or a fan the formula divides by is 0
   */
  void fill(Tensor t, int fanIn, int fanOut, RandomGenerator random);

  /** Fills a weight of rank ≥ 2, with the fans that {@link Fans#of} reads from its shape. */
  default void fill(Tensor weight, RandomGenerator random) {
    Fans fans = Fans.of(weight.shape());
    fill(weight, fans.in(), fans.out(), random);
  }

  /** Every element 0. */
  static Initializer zeros() {
    return new Constant(0f);
  }

  /** Every element 1 (a batch norm's scale). */
  static Initializer ones() {
    return new Constant(1f);
  }
}
