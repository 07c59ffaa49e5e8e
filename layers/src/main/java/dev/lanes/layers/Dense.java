package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Elementwise;
import dev.lanes.core.kernel.Gemm;
import dev.lanes.core.kernel.Reductions;
import dev.lanes.layers.init.Initializer;
import dev.lanes.layers.init.PyTorchDefault;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Fully connected layer: {@code y = x·Wᵀ + b}, PyTorch's {@code nn.Linear}
 * (https://pytorch.org/docs/stable/generated/torch.nn.Linear.html). Input (N, in), output
 * (N, units); weight (units, in), bias (units), initialised U(-1/√in, 1/√in) as in PyTorch.
 */
public final class Dense extends AbstractLayer {
  /** units ≥ 1 outputs; a bias unless {@code useBias} is false. */
  public record Config(int units, boolean useBias) implements LayerConfig {
    public Config {
      if (units < 1) {
        throw new IllegalArgumentException("Dense: units must be >= 1, got " + units);
      }
    }

    public Config(int units) {
      this(units, true);
    }

    @Override
    public Dense create(String name) {
      return new Dense(this, name);
    }
  }

  /** PyTorch's default for weight and bias: U(-1/√fanIn, 1/√fanIn). */
  private static final Initializer WEIGHT_INIT = new PyTorchDefault();
  private final Config config;
  private Param weight;         // (units, in)
  private Param bias;           // (units), or null
  private Tensor input;         // cached by forward for backward, (N, in)
  private final Workspace out = new Workspace();    // (N, units)
  private final Workspace dInput = new Workspace(); // (N, in)

  public Dense(Config config, String name) {
    super(name);
    this.config = config;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    if (in.rank() != 1) {
      throw badInput("(N, features)", in, "add flatten() before dense()");
    }
    weight = new Param("weight", Shape.of(config.units(), in.dim(0)));
    WEIGHT_INIT.fill(weight.value(), in.dim(0), config.units(), random);
    if (config.useBias()) {
      bias = new Param("bias", Shape.of(config.units()));
      WEIGHT_INIT.fill(bias.value(), in.dim(0), config.units(), random);
    }
    return Shape.of(config.units());
  }

  @Override
  protected String hint(Shape actual) {
    return actual.rank() > 2 ? "add flatten() before dense()" : "";
  }

  @Override
  public List<Param> params() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    Tensor y = out.get(n, outputShape());
    compute(x, y, n);
    input = training ? x : null;
    return y;
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    compute(x, y, n);
    return y;
  }

  private void compute(Tensor x, Tensor y, int n) {
    int in = inputShape().dim(0);
    int units = config.units();
    Gemm.sgemm(false, true, n, units, in, 1f, x.data(), x.offset(), in,
        weight.value().data(), weight.value().offset(), in, 0f, y.data(), y.offset(), units);
    if (bias != null) {
      Elementwise.addRowBias(y.data(), y.offset(), bias.value().data(), bias.value().offset(),
          n, units);
    }
  }

  /** Forward was y = x·Wᵀ + b, so dW += dyᵀ·x, db += Σ_rows dy, dx = dy·W. */
  @Override
  public Tensor backward(Tensor dOut) {
    int n = addParameterGradients(dOut);
    int in = inputShape().dim(0);
    Tensor w = weight.value();
    Tensor dx = dInput.get(n, inputShape());
    Gemm.sgemm(false, false, n, in, config.units(), 1f, dOut.data(), dOut.offset(),
        config.units(), w.data(), w.offset(), in, 0f, dx.data(), dx.offset(), in);
    return dx;
  }

  /** dW and db only: dx = dy·W is skipped. */
  @Override
  public void backwardParameters(Tensor dOut) {
    addParameterGradients(dOut);
  }

  /** dW += dyᵀ·x, db += Σ_rows dy; returns the batch size. */
  private int addParameterGradients(Tensor dOut) {
    if (input == null) {
      throw noForward();
    }
    int n = input.dim(0);
    checkGradient(dOut, n);
    int in = inputShape().dim(0);
    int units = config.units();
    Tensor dw = weight.grad();
    Gemm.sgemm(true, false, units, in, n, 1f, dOut.data(), dOut.offset(), units,
        input.data(), input.offset(), in, 1f, dw.data(), dw.offset(), in);
    if (bias != null) {
      Reductions.addColumnSums(bias.grad().data(), bias.grad().offset(), dOut.data(),
          dOut.offset(), n, units);
    }
    return n;
  }
}
