package dev.lanes.layers.init;

import dev.lanes.core.Shape;

/**
 * The fan-in and fan-out of a weight, as PyTorch's {@code _calculate_fan_in_and_fan_out}: for a
 * weight (out, in, k1, k2, ...), with receptive field r = k1·k2·...,
 *
 * <pre>
 *   in  = in · r        out = out · r
 * </pre>
 *
 * so a Dense weight (out, in) has fans (in, out) and a Conv2d weight (out, in, kh, kw) has fans
 * (in·kh·kw, out·kh·kw).
 */
public record Fans(int in, int out) {
  public Fans {
    if (in < 0 || out < 0) {
      throw new IllegalArgumentException(
          "Fans: fans must be ≥ 0, got in " + in + ", out " + out);
    }
  }

  /**
   * The fans of a weight of rank ≥ 2.
   *
   * @throws IllegalArgumentException for a rank below 2, whose fans are not defined by its shape
   *     (a bias takes its weight's fans)
   */
  public static Fans of(Shape weight) {
    if (weight.rank() < 2) {
      throw new IllegalArgumentException("Fans: a weight of rank ≥ 2 is needed to read fans from"
          + " its shape, got " + weight + "; pass a bias its weight's fans");
    }
    long receptive = 1;
    for (int i = 2; i < weight.rank(); i++) {
      receptive *= weight.dim(i);
    }
    return new Fans((int) (weight.dim(1) * receptive), (int) (weight.dim(0) * receptive));
  }
}
