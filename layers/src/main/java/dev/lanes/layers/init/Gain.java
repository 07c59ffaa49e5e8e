package dev.lanes.layers.init;

/**
 * The gains that keep activations' variance steady through a nonlinearity, as PyTorch's
 * {@code nn.init.calculate_gain} (https://pytorch.org/docs/stable/nn.init.html).
 */
public final class Gain {
  private Gain() {}

  /** 1: linear layers, convolutions, sigmoid. */
  public static float linear() {
    return 1f;
  }

  /** √2: ReLU zeroes half the inputs, halving the variance. */
  public static float relu() {
    return (float) Math.sqrt(2);
  }

  /** √(2 / (1 + slope²)) for LeakyReLU with the given negative slope. */
  public static float leakyRelu(float negativeSlope) {
    if (!Float.isFinite(negativeSlope)) {
      throw new IllegalArgumentException(
          "Gain: leaky ReLU slope must be finite, got " + negativeSlope);
    }
    return (float) Math.sqrt(2.0 / (1 + (double) negativeSlope * negativeSlope));
  }

  /** 5/3, PyTorch's value for tanh. */
  public static float tanh() {
    return 5f / 3f;
  }
}
