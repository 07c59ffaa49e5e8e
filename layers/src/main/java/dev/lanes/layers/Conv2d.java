package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.Conv;
import dev.lanes.layers.init.Initializer;
import dev.lanes.layers.init.PyTorchDefault;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * 2-D convolution, PyTorch's {@code nn.Conv2d}
 * (https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html): input (N, C, H, W), output
 * (N, filters, outH, outW); weight (filters, C, kh, kw) and bias (filters), initialised
 * U(-1/√fanIn, 1/√fanIn) with fanIn = C·kh·kw, as in PyTorch. Runs im2col + GEMM
 * ({@link Conv}).
 */
public final class Conv2d extends AbstractLayer {
  /** filters ≥ 1, kernel ≥ 1, stride ≥ 1, padding ≥ 0, dilation ≥ 1 (the same on both axes). */
  public record Config(int filters, int kernelH, int kernelW, int stride, int padding,
      int dilation, boolean useBias) implements LayerConfig {
    public Config {
      if (filters < 1 || kernelH < 1 || kernelW < 1) {
        throw new IllegalArgumentException("Conv2d: filters and kernel must be >= 1, got "
            + filters + " filters of " + kernelH + "x" + kernelW);
      }
      if (stride < 1 || padding < 0 || dilation < 1) {
        throw new IllegalArgumentException("Conv2d: stride and dilation must be >= 1 and padding"
            + " >= 0, got stride " + stride + ", padding " + padding + ", dilation " + dilation);
      }
    }

    /** A square kernel, stride 1, no padding, bias. */
    public Config(int filters, int kernel) {
      this(filters, kernel, kernel, 1, 0, 1, true);
    }

    @Override
    public Conv2d create(String name) {
      return new Conv2d(this, name);
    }
  }

  /** PyTorch's default for weight and bias: U(-1/√fanIn, 1/√fanIn). */
  private static final Initializer WEIGHT_INIT = new PyTorchDefault();
  private final Config config;
  private Param weight;                  // (filters, C, kh, kw)
  private Param bias;                    // (filters), or null
  private Conv2dGeometry geometry;       // for the last batch size
  private Tensor input;                  // cached by forward for backward, (N, C, H, W)
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();

  public Conv2d(Config config, String name) {
    super(name);
    this.config = config;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    if (in.rank() != 3) {
      throw badInput("(N, C, H, W)", in, in.rank() == 1
          ? "conv2d needs images; reshape flat features to (channels, height, width) first" : "");
    }
    Shape w = Shape.of(config.filters(), in.dim(0), config.kernelH(), config.kernelW());
    try {
      geometry = Conv2dGeometry.of(in.prepend(1), w, config.stride(), config.padding(),
          config.dilation());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
    int fanIn = in.dim(0) * config.kernelH() * config.kernelW();
    int fanOut = config.filters() * config.kernelH() * config.kernelW();
    weight = new Param("weight", w);
    WEIGHT_INIT.fill(weight.value(), fanIn, fanOut, random);
    if (config.useBias()) {
      bias = new Param("bias", Shape.of(config.filters()));
      WEIGHT_INIT.fill(bias.value(), fanIn, fanOut, random);
    }
    return Shape.of(config.filters(), geometry.outHeight(), geometry.outWidth());
  }

  @Override
  protected String hint(Shape actual) {
    return actual.rank() == 2 ? "conv2d needs images (N, C, H, W), not flat features" : "";
  }

  @Override
  public List<Param> params() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  /** The weight (filters, C, kh, kw). */
  Param weight() {
    return weight;
  }

  /** The bias (filters), or null. */
  Param bias() {
    return bias;
  }

  /** The geometry for a batch of n. */
  Conv2dGeometry geometry(int n) {
    Conv2dGeometry g = geometry;
    if (g.batch() != n) {
      g = g.withBatch(n);
    }
    return g;
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    geometry = geometry(n);
    Tensor y = out.get(n, outputShape());
    compute(x, y, geometry);
    input = training ? x : null;
    return y;
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    compute(x, y, geometry(n));
    return y;
  }

  private void compute(Tensor x, Tensor y, Conv2dGeometry g) {
    Tensor w = weight.value();
    Conv.forward(y.data(), y.offset(), x.data(), x.offset(), w.data(), w.offset(),
        bias == null ? null : bias.value().data(), bias == null ? 0 : bias.value().offset(), g);
  }

  /** Forward was y = w ⊛ x + b, so dw += dy ⋆ x, db += Σ dy, dx = wᵀ ⊛ dy. */
  @Override
  public Tensor backward(Tensor dOut) {
    int n = checkBackward(dOut);
    Tensor dx = dInput.get(n, inputShape());
    Tensor w = weight.value();
    Tensor dw = weight.grad();
    Conv.backward(dx.data(), dx.offset(), dw.data(), dw.offset(),
        bias == null ? null : bias.grad().data(), bias == null ? 0 : bias.grad().offset(),
        dOut.data(), dOut.offset(), input.data(), input.offset(), w.data(), w.offset(),
        geometry);
    return dx;
  }

  /** dw and db only: dx = wᵀ ⊛ dy is skipped. */
  @Override
  public void backwardParameters(Tensor dOut) {
    addParameterGradients(dOut);
  }

  /** Checks that forward ran in training and that dOut fits it; returns the batch size. */
  private int checkBackward(Tensor dOut) {
    if (input == null) {
      throw noForward();
    }
    int n = input.dim(0);
    checkGradient(dOut, n);
    return n;
  }

  /** dw += dy ⋆ x, db += Σ dy; returns the batch size. */
  private int addParameterGradients(Tensor dOut) {
    int n = checkBackward(dOut);
    Tensor dw = weight.grad();
    Conv.backwardWeights(dw.data(), dw.offset(), bias == null ? null : bias.grad().data(),
        bias == null ? 0 : bias.grad().offset(), dOut.data(), dOut.offset(), input.data(),
        input.offset(), geometry);
    return n;
  }
}
