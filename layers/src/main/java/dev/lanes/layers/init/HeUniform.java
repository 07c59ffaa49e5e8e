package dev.lanes.layers.init;

import dev.lanes.core.Tensor;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * He (Kaiming) uniform: U(-b, b) with
 *
 * <pre>
 *   b = gain · √(3 / fan),   so Var = gain² / fan,   fan = fanIn or fanOut by mode
 * </pre>
 *
 * as PyTorch's {@code kaiming_uniform_} (https://pytorch.org/docs/stable/nn.init.html; He et
 * al. 2015). The default, gain √2 on the fan-in, keeps the variance of activations steady
 * through ReLU layers.
 *
 * @param gain see {@link Gain}; {@link Gain#relu()} by default
 * @param mode which fan to scale by; {@link FanMode#FAN_IN} by default
 */
public record HeUniform(float gain, FanMode mode) implements Initializer {
  public HeUniform {
    Draw.gain("HeUniform", gain);
    Objects.requireNonNull(mode, "HeUniform: mode is null");
  }

  /** For ReLU, on the fan-in. */
  public HeUniform() {
    this(Gain.relu(), FanMode.FAN_IN);
  }

  @Override
  public void fill(Tensor t, int fanIn, int fanOut, RandomGenerator random) {
    Draw.fans("HeUniform", t, fanIn, fanOut, random);
    int fan = HeNormal.fan("HeUniform", mode, fanIn, fanOut);
    Draw.uniform(t, (float) (gain * Math.sqrt(3.0 / fan)), random);
  }
}
