package dev.lanes.layers;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Activations;

/** Element-wise {@code x > 0 ? x : alpha·x}, PyTorch's nn.LeakyReLU. Any input shape. */
public final class LeakyRelu extends ActivationLayer {
  /** The slope for negative inputs, finite and ≥ 0 (PyTorch's default is 0.01). */
  public record Config(float alpha) implements LayerConfig {
    public Config {
      if (!(alpha >= 0) || Float.isInfinite(alpha)) {
        throw new IllegalArgumentException(
            "LeakyRelu: alpha must be finite and >= 0, got " + alpha);
      }
    }

    public Config() {
      this(0.01f);
    }

    @Override
    public LeakyRelu create(String name) {
      return new LeakyRelu(this, name);
    }
  }

  private final Config config;

  public LeakyRelu(Config config, String name) {
    super(name);
    this.config = config;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  protected void apply(float[] out, int outOff, float[] x, int xOff, int n) {
    Activations.leakyRelu(out, outOff, x, xOff, config.alpha(), n);
  }

  @Override
  protected void gradient(float[] dx, int dxOff, float[] dy, int dyOff, Tensor x, Tensor y,
      int n) {
    Activations.leakyReluBackward(dx, dxOff, dy, dyOff, x.data(), x.offset(), config.alpha(), n);
  }
}
