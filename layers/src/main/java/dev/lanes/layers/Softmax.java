package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Reductions;
import java.util.random.RandomGenerator;

/**
 * Softmax over the features of (N, C): probabilities for inference outputs. For training, feed
 * logits to {@code SoftmaxCrossEntropy} instead, which fuses the two stably.
 */
public final class Softmax extends AbstractLayer {
  /** Softmax has no settings. */
  public record Config() implements LayerConfig {
    @Override
    public Softmax create(String name) {
      return new Softmax(name);
    }
  }

  private static final Config CONFIG = new Config();
  private Tensor output;    // (N, C), the last training forward's output
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();

  public Softmax(String name) {
    super(name);
  }

  @Override
  public Config config() {
    return CONFIG;
  }

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    if (in.rank() != 1) {
      throw badInput("(N, classes)", in, "add flatten() before softmax()");
    }
    return in;
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    Tensor y = out.get(n, outputShape());
    dev.lanes.core.kernel.Softmax.softmaxRows(y.data(), y.offset(), x.data(), x.offset(), n,
        inputShape().dim(0));
    output = training ? y : null;
    return y;
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    dev.lanes.core.kernel.Softmax.softmaxRows(y.data(), y.offset(), x.data(), x.offset(), n,
        inputShape().dim(0));
    return y;
  }

  /** Forward was y = softmax(x) per row, so dx = y ⊙ (dy - Σ_c dy·y). */
  @Override
  public Tensor backward(Tensor dOut) {
    if (output == null) {
      throw noForward();
    }
    int n = output.dim(0);
    checkGradient(dOut, n);
    int c = inputShape().dim(0);
    Tensor dx = dInput.get(n, inputShape());
    float[] y = output.data();
    float[] dy = dOut.data();
    float[] d = dx.data();
    for (int r = 0; r < n; r++) {
      int yRow = output.offset() + r * c;
      int dyRow = dOut.offset() + r * c;
      float dot = Reductions.dot(dy, dyRow, y, yRow, c);
      for (int i = 0; i < c; i++) {
        d[dx.offset() + r * c + i] = y[yRow + i] * (dy[dyRow + i] - dot);
      }
    }
    return dx;
  }
}
