package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Pool;
import dev.lanes.core.kernel.Pool2dGeometry;
import java.util.random.RandomGenerator;

/**
 * 2-D average pooling, PyTorch's {@code nn.AvgPool2d}: input (N, C, H, W), output (N, C, outH,
 * outW). With {@code countPadding} (PyTorch's count_include_pad, its default) a window is divided
 * by kernel², else by the number of real elements in it.
 */
public final class AvgPool2d extends AbstractLayer {
  /** kernel ≥ 1, stride ≥ 1, padding in [0, kernel/2]. */
  public record Config(int kernel, int stride, int padding, boolean countPadding)
      implements LayerConfig {
    public Config {
      if (kernel < 1 || stride < 1 || padding < 0 || padding > kernel / 2) {
        throw new IllegalArgumentException("AvgPool2d: expected kernel >= 1, stride >= 1 and"
            + " padding in [0, kernel/2], got kernel " + kernel + ", stride " + stride
            + ", padding " + padding);
      }
    }

    /** Non-overlapping windows: stride = kernel, no padding. */
    public Config(int kernel) {
      this(kernel, kernel, 0, true);
    }

    @Override
    public AvgPool2d create(String name) {
      return new AvgPool2d(this, name);
    }
  }

  private final Config config;
  private Pool2dGeometry geometry;
  private int trainedBatch = -1;
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();

  public AvgPool2d(Config config, String name) {
    super(name);
    this.config = config;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    geometry = PoolLayers.geometry(this, in, config.kernel(), config.stride(), config.padding());
    return Shape.of(in.dim(0), geometry.outHeight(), geometry.outWidth());
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    geometry = PoolLayers.withBatch(geometry, n);
    Tensor y = out.get(n, outputShape());
    Pool.avgPoolForward(y.data(), y.offset(), x.data(), x.offset(), geometry,
        config.countPadding());
    trainedBatch = training ? n : -1;
    return y;
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    Pool.avgPoolForward(y.data(), y.offset(), x.data(), x.offset(),
        PoolLayers.withBatch(geometry, n), config.countPadding());
    return y;
  }

  /** Each output's gradient, divided by its window's count, goes to every element of the window. */
  @Override
  public Tensor backward(Tensor dOut) {
    if (trainedBatch < 0) {
      throw noForward();
    }
    checkGradient(dOut, trainedBatch);
    Tensor dx = dInput.get(trainedBatch, inputShape());
    Pool.avgPoolBackward(dx.data(), dx.offset(), dOut.data(), dOut.offset(), geometry,
        config.countPadding());
    return dx;
  }
}
