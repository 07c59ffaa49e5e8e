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
  // The last training pass's argument and its view: the layers before and after hand the same
  // workspace tensor every step, so the view is made once per shape, not once per step.
  private Tensor forwardArgument;
  private Tensor forwardView;
  private Tensor backwardArgument;
  private Tensor backwardView;

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
    if (x != forwardArgument) {
      forwardView = x.reshape(n, outputShape().dim(0));
      forwardArgument = x;
    }
    return forwardView;
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
    if (dOut != backwardArgument) {
      backwardView = dOut.reshape(inputShape().prepend(batch).dims());
      backwardArgument = dOut;
    }
    return backwardView;
  }
}
