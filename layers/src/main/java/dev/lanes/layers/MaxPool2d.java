package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Pool;
import dev.lanes.core.kernel.Pool2dGeometry;
import java.util.random.RandomGenerator;

/**
 * 2-D max pooling, PyTorch's {@code nn.MaxPool2d}: input (N, C, H, W), output (N, C, outH,
 * outW). Ties go to the first element of a window in row-major order; the gradient flows only
 * to the element that won.
 */
public final class MaxPool2d extends AbstractLayer {
  /** kernel ≥ 1, stride ≥ 1 (usually the kernel), padding in [0, kernel/2]. */
  public record Config(int kernel, int stride, int padding) implements LayerConfig {
    public Config {
      if (kernel < 1 || stride < 1 || padding < 0 || padding > kernel / 2) {
        throw new IllegalArgumentException("MaxPool2d: expected kernel >= 1, stride >= 1 and"
            + " padding in [0, kernel/2], got kernel " + kernel + ", stride " + stride
            + ", padding " + padding);
      }
    }

    /** Non-overlapping windows: stride = kernel, no padding. */
    public Config(int kernel) {
      this(kernel, kernel, 0);
    }

    @Override
    public MaxPool2d create(String name) {
      return new MaxPool2d(this, name);
    }
  }

  private final Config config;
  private Pool2dGeometry geometry;
  private int trainedBatch = -1;                     // batch of the last training forward
  private int[] argmax = new int[0];                 // (N, C, outH, outW), index in the plane
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();

  public MaxPool2d(Config config, String name) {
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

  /** The geometry for a batch of n. */
  Pool2dGeometry geometry(int n) {
    return PoolLayers.withBatch(geometry, n);
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    geometry = PoolLayers.withBatch(geometry, n);
    Tensor y = out.get(n, outputShape());
    if (argmax.length < y.size()) {
      argmax = new int[y.size()];
    }
    Pool.maxPoolForward(y.data(), y.offset(), argmax, 0, x.data(), x.offset(), geometry);
    trainedBatch = training ? n : -1;
    return y;
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Pool2dGeometry g = PoolLayers.withBatch(geometry, n);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    Pool.maxPoolForward(y.data(), y.offset(), new int[y.size()], 0, x.data(), x.offset(), g);
    return y;
  }

  /** Each output's gradient goes to the input element it took. */
  @Override
  public Tensor backward(Tensor dOut) {
    if (trainedBatch < 0) {
      throw noForward();
    }
    checkGradient(dOut, trainedBatch);
    Tensor dx = dInput.get(trainedBatch, inputShape());
    Pool.maxPoolBackward(dx.data(), dx.offset(), dOut.data(), dOut.offset(), argmax, 0,
        geometry);
    return dx;
  }
}
