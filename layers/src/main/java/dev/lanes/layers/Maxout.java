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
 * Maxout (Goodfellow et al. 2013): {@code pieces} linear functions per unit and the largest of
 * them, {@code y[u] = max_p (x·W[u·pieces + p]ᵀ + b[u·pieces + p])}. Its gradient flows through
 * the winning piece only, never vanishing as sigmoid's does. Input (N, in), output (N, units);
 * weight (units·pieces, in), bias (units·pieces); ties go to the first piece.
 */
public final class Maxout extends AbstractLayer {
  /** units ≥ 1 outputs, each the max of pieces ≥ 2 linear pieces. */
  public record Config(int units, int pieces) implements LayerConfig {
    public Config {
      if (units < 1 || pieces < 2) {
        throw new IllegalArgumentException("Maxout: expected units >= 1 and pieces >= 2, got "
            + units + " units of " + pieces + " pieces");
      }
    }

    @Override
    public Maxout create(String name) {
      return new Maxout(this, name);
    }
  }

  /** PyTorch's default for weight and bias: U(-1/√fanIn, 1/√fanIn). */
  private static final Initializer WEIGHT_INIT = new PyTorchDefault();
  private final Config config;
  private Param weight;           // (units·pieces, in)
  private Param bias;             // (units·pieces)
  private Tensor input;           // (N, in), cached for backward
  private int[] winner = new int[0];                   // (N, units): the winning piece
  private final Workspace linear = new Workspace();    // (N, units·pieces)
  private final Workspace out = new Workspace();       // (N, units)
  private final Workspace dLinear = new Workspace();   // (N, units·pieces)
  private final Workspace dInput = new Workspace();    // (N, in)

  public Maxout(Config config, String name) {
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
      throw badInput("(N, features)", in, "add flatten() before maxout()");
    }
    int rows = config.units() * config.pieces();
    weight = new Param("weight", Shape.of(rows, in.dim(0)));
    bias = new Param("bias", Shape.of(rows));
    WEIGHT_INIT.fill(weight.value(), in.dim(0), rows, random);
    WEIGHT_INIT.fill(bias.value(), in.dim(0), rows, random);
    return Shape.of(config.units());
  }

  @Override
  protected String hint(Shape actual) {
    return actual.rank() > 2 ? "add flatten() before maxout()" : "";
  }

  @Override
  public List<Param> params() {
    return List.of(weight, bias);
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    Tensor z = linear.get(n, Shape.of(config.units() * config.pieces()));
    Tensor y = out.get(n, outputShape());
    if (winner.length < y.size()) {
      winner = new int[y.size()];
    }
    compute(x, z, y, winner, n);
    input = training ? x : null;
    return y;
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Tensor z = Tensor.zeros(n, config.units() * config.pieces());
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    compute(x, z, y, new int[y.size()], n);
    return y;
  }

  private void compute(Tensor x, Tensor z, Tensor y, int[] won, int n) {
    int in = inputShape().dim(0);
    int rows = config.units() * config.pieces();
    Gemm.sgemm(false, true, n, rows, in, 1f, x.data(), x.offset(), in, weight.value().data(), 0,
        in, 0f, z.data(), z.offset(), rows);
    Elementwise.addRowBias(z.data(), z.offset(), bias.value().data(), 0, n, rows);
    int p = config.pieces();
    for (int i = 0; i < n * config.units(); i++) {
      int base = z.offset() + i * p;
      int best = 0;
      for (int k = 1; k < p; k++) {
        if (z.data()[base + k] > z.data()[base + best]) {
          best = k;
        }
      }
      won[i] = best;
      y.data()[y.offset() + i] = z.data()[base + best];
    }
  }

  /** dz is dy at each unit's winning piece and 0 elsewhere; then as Dense: dW += dzᵀ·x, dx = dz·W. */
  @Override
  public Tensor backward(Tensor dOut) {
    if (input == null) {
      throw noForward();
    }
    int n = input.dim(0);
    checkGradient(dOut, n);
    int in = inputShape().dim(0);
    int p = config.pieces();
    int rows = config.units() * p;
    Tensor dz = dLinear.get(n, Shape.of(rows));
    Elementwise.fill(dz.data(), dz.offset(), 0f, dz.size());
    for (int i = 0; i < n * config.units(); i++) {
      dz.data()[dz.offset() + i * p + winner[i]] = dOut.data()[dOut.offset() + i];
    }
    Gemm.sgemm(true, false, rows, in, n, 1f, dz.data(), dz.offset(), rows, input.data(),
        input.offset(), in, 1f, weight.grad().data(), 0, in);
    Reductions.addColumnSums(bias.grad().data(), 0, dz.data(), dz.offset(), n, rows);
    Tensor dx = dInput.get(n, inputShape());
    Gemm.sgemm(false, false, n, in, rows, 1f, dz.data(), dz.offset(), rows,
        weight.value().data(), 0, in, 0f, dx.data(), dx.offset(), in);
    return dx;
  }
}
