package dev.lanes.layers.init;

import dev.lanes.core.Tensor;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * He (Kaiming) normal: N(0, σ²) with
 *
 * <pre>
 *   σ = gain / √fan,   fan = fanIn or fanOut by mode
 * </pre>
 *
 * as PyTorch's {@code kaiming_normal_} (https://pytorch.org/docs/stable/nn.init.html; He et al.
 * 2015), an untruncated normal.
 *
 * @param gain see {@link Gain}; {@link Gain#relu()} by default
 * @param mode which fan to scale by; {@link FanMode#FAN_IN} by default
 */
public record HeNormal(float gain, FanMode mode) implements Initializer {
  public HeNormal {
    Draw.gain("HeNormal", gain);
    Objects.requireNonNull(mode, "HeNormal: mode is null");
  }

  /** For ReLU, on the fan-in. */
  public HeNormal() {
    this(Gain.relu(), FanMode.FAN_IN);
  }

  @Override
  public void fill(Tensor t, int fanIn, int fanOut, RandomGenerator random) {
    Draw.fans("HeNormal", t, fanIn, fanOut, random);
    Draw.normal(t, (float) (gain / Math.sqrt(fan("HeNormal", mode, fanIn, fanOut))), random);
  }

  static int fan(String owner, FanMode mode, int fanIn, int fanOut) {
    int fan = mode.pick(fanIn, fanOut);
    if (fan == 0) {
      String name = mode == FanMode.FAN_IN ? "fanIn" : "fanOut";
      throw new IllegalArgumentException(owner + ": " + name + " must be ≥ 1, got 0");
    }
    return fan;
  }
}
