package dev.lanes.layers;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Activations;

/** Element-wise {@code max(x, 0), PyTorch's nn.ReLU}. Any input shape. */
public final class Relu extends ActivationLayer {
  /** Relu has no settings. */
  public record Config() implements LayerConfig {
    @Override
    public Relu create(String name) {
      return new Relu(name);
    }
  }

  private static final Config CONFIG = new Config();

  public Relu(String name) {
    super(name);
  }

  @Override
  public Config config() {
    return CONFIG;
  }

  @Override
  protected void apply(float[] out, int outOff, float[] x, int xOff, int n) {
    Activations.relu(out, outOff, x, xOff, n);
  }

  @Override
  protected void gradient(float[] dx, int dxOff, float[] dy, int dyOff, Tensor x, Tensor y,
      int n) {
    Activations.reluBackward(dx, dxOff, dy, dyOff, x.data(), x.offset(), n);
  }
}
