package dev.lanes.layers;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Activations;

/** Element-wise {@code 1 / (1 + exp(-x)), PyTorch's nn.Sigmoid}. Any input shape. */
public final class Sigmoid extends ActivationLayer {
  /** Sigmoid has no settings. */
  public record Config() implements LayerConfig {
    @Override
    public Sigmoid create(String name) {
      return new Sigmoid(name);
    }
  }

  private static final Config CONFIG = new Config();

  public Sigmoid(String name) {
    super(name);
  }

  @Override
  public Config config() {
    return CONFIG;
  }

  @Override
  protected void apply(float[] out, int outOff, float[] x, int xOff, int n) {
    Activations.sigmoid(out, outOff, x, xOff, n);
  }

  @Override
  protected void gradient(float[] dx, int dxOff, float[] dy, int dyOff, Tensor x, Tensor y,
      int n) {
    Activations.sigmoidBackward(dx, dxOff, dy, dyOff, y.data(), y.offset(), n);
  }
}
