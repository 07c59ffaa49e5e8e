package dev.lanes.layers.init;

import dev.lanes.core.Tensor;
import java.util.random.RandomGenerator;

/**
 * Glorot (Xavier) uniform: U(-a, a) with
 *
 * <pre>
 *   a = gain · √(6 / (fanIn + fanOut)),   so Var = gain² · 2 / (fanIn + fanOut)
 * </pre>
 *
 * as PyTorch's {@code xavier_uniform_} (https://pytorch.org/docs/stable/nn.init.html; Glorot and
 * Bengio 2010). Keeps the variance of activations and of gradients about equal across layers
 * with symmetric activations (tanh, linear).
 *
 * @param gain see {@link Gain}; 1 by default
 */
public record GlorotUniform(float gain) implements Initializer {
  public GlorotUniform {
    Draw.gain("GlorotUniform", gain);
  }

  public GlorotUniform() {
    this(1f);
  }

  @Override
  public void fill(Tensor t, int fanIn, int fanOut, RandomGenerator random) {
    Draw.fans("GlorotUniform", t, fanIn, fanOut, random);
    GlorotNormal.fanSum("GlorotUniform", fanIn, fanOut);
    Draw.uniform(t, (float) (gain * Math.sqrt(6.0 / ((double) fanIn + fanOut))), random);
  }
}
