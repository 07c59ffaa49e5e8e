package dev.lanes.layers.init;

import dev.lanes.core.Tensor;
import java.util.random.RandomGenerator;

/**
 * Glorot (Xavier) normal: N(0, σ²) with
 *
 * <pre>
 *   σ = gain · √(2 / (fanIn + fanOut))
 * </pre>
 *
 * as PyTorch's {@code xavier_normal_} (https://pytorch.org/docs/stable/nn.init.html): a plain,
 * untruncated normal (Keras truncates at 2σ and rescales).
 *
 * @param gain see {@link Gain}; 1 by default
 */
public record GlorotNormal(float gain) implements Initializer {
  public GlorotNormal {
    Draw.gain("GlorotNormal", gain);
  }

  public GlorotNormal() {
    this(1f);
  }

  @Override
  public void fill(Tensor t, int fanIn, int fanOut, RandomGenerator random) {
    Draw.fans("GlorotNormal", t, fanIn, fanOut, random);
    fanSum("GlorotNormal", fanIn, fanOut);
    Draw.normal(t, (float) (gain * Math.sqrt(2.0 / ((double) fanIn + fanOut))), random);
  }

  static void fanSum(String owner, int fanIn, int fanOut) {
    if ((long) fanIn + fanOut == 0) {
      throw new IllegalArgumentException(
          owner + ": fanIn + fanOut must be ≥ 1, got fanIn 0, fanOut 0");
    }
  }
}
