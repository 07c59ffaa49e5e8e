package dev.lanes.layers;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Activations;

/** Element-wise {@code tanh(x), PyTorch's nn.Tanh}. Any input shape. */
public final class Tanh extends ActivationLayer {
  /** Tanh has no settings. */
  public record Config() implements LayerConfig {
    @Override
    public Tanh create(String name) {
      return new Tanh(name);
    }
  }

  private static final Config CONFIG = new Config();

  public Tanh(String name) {
    super(name);
  }

  @Override
  public Config config() {
    return CONFIG;
  }

  @Override
  protected void apply(float[] out, int outOff, float[] x, int xOff, int n) {
    Activations.tanh(out, outOff, x, xOff, n);
  }

  @Override
  protected void gradient(float[] dx, int dxOff, float[] dy, int dyOff, Tensor x, Tensor y,
      int n) {
    Activations.tanhBackward(dx, dxOff, dy, dyOff, y.data(), y.offset(), n);
  }
}
