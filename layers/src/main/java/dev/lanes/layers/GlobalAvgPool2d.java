package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Pool;
import java.util.random.RandomGenerator;

/** The mean of each channel: (N, C, H, W) to (N, C), PyTorch's {@code nn.AdaptiveAvgPool2d(1)} plus flatten. */
public final class GlobalAvgPool2d extends AbstractLayer {
  /** GlobalAvgPool2d has no settings. */
  public record Config() implements LayerConfig {
    @Override
    public GlobalAvgPool2d create(String name) {
      return new GlobalAvgPool2d(name);
    }
  }

  private static final Config CONFIG = new Config();
  private int trainedBatch = -1;
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();

  public GlobalAvgPool2d(String name) {
    super(name);
  }

  @Override
  public Config config() {
    return CONFIG;
  }

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    if (in.rank() != 3) {
      throw badInput("(N, C, H, W)", in, "global pooling needs images");
    }
    return Shape.of(in.dim(0));
  }

  private int spatial() {
    return inputShape().dim(1) * inputShape().dim(2);
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    Tensor y = out.get(n, outputShape());
    Pool.globalAvgPoolForward(y.data(), y.offset(), x.data(), x.offset(), n,
        inputShape().dim(0), spatial());
    trainedBatch = training ? n : -1;
    return y;
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    Pool.globalAvgPoolForward(y.data(), y.offset(), x.data(), x.offset(), n,
        inputShape().dim(0), spatial());
    return y;
  }

  /** Forward was a mean over H·W, so each position gets dy / (H·W). */
  @Override
  public Tensor backward(Tensor dOut) {
    if (trainedBatch < 0) {
      throw noForward();
    }
    checkGradient(dOut, trainedBatch);
    Tensor dx = dInput.get(trainedBatch, inputShape());
    Pool.globalAvgPoolBackward(dx.data(), dx.offset(), dOut.data(), dOut.offset(), trainedBatch,
        inputShape().dim(0), spatial());
    return dx;
  }
}
