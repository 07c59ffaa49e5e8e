package dev.lanes.layers;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Activations;

/** Element-wise {@code GELU in its tanh form, PyTorch's nn.GELU(approximate='tanh')}. Any input shape. */
public final class Gelu extends ActivationLayer {
  /** Gelu has no settings. */
  public record Config() implements LayerConfig {
    @Override
    public Gelu create(String name) {
      return new Gelu(name);
    }
  }

  private static final Config CONFIG = new Config();

  public Gelu(String name) {
    super(name);
  }

  @Override
  public Config config() {
    return CONFIG;
  }

  @Override
  protected void apply(float[] out, int outOff, float[] x, int xOff, int n) {
    Activations.gelu(out, outOff, x, xOff, n);
  }

  @Override
  protected void gradient(float[] dx, int dxOff, float[] dy, int dyOff, Tensor x, Tensor y,
      int n) {
    Activations.geluBackward(dx, dxOff, dy, dyOff, x.data(), x.offset(), n);
  }
}
