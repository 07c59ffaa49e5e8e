package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.random.RandomGenerator;

/**
 * Flattens each sample to one dimension: (N, C, H, W) becomes (N, C·H·W). Forward and backward
 * return views of their argument, so flattening copies nothing.
 */
public final class Flatten extends AbstractLayer {
  /** Flatten has no settings. */
  public record Config() implements LayerConfig {
    @Override
    public Flatten create(String name) {
      return new Flatten(name);
    }
  }

  private static final Config CONFIG = new Config();
  private int batch = -1;

  public Flatten(String name) {
    super(name);
  }

  @Override
  public Config config() {
    return CONFIG;
  }

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    return Shape.of(in.size());
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    batch = training ? n : -1;
    return x.reshape(n, outputShape().dim(0));
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    return x.reshape(n, outputShape().dim(0));
  }

  @Override
  public Tensor backward(Tensor dOut) {
    if (batch < 0) {
      throw noForward();
    }
    checkGradient(dOut, batch);
    return dOut.reshape(inputShape().prepend(batch).dims());
  }
}
