package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.random.RandomGenerator;

/**
 * An element-wise activation as a layer: any input shape, the same output shape, no parameters.
 * Forward keeps its input and output (views, not copies) because each derivative is cheapest
 * from one of them.
 */
public abstract class ActivationLayer extends AbstractLayer {
  private Tensor input;     // (N, ...), the last training forward's input
  private Tensor output;    // (N, ...), the last training forward's output
  private final Workspace out = new Workspace();
  private final Workspace dInput = new Workspace();

  protected ActivationLayer(String name) {
    super(name);
  }

  /** out[i] = f(x[i]) for n elements. */
  protected abstract void apply(float[] out, int outOff, float[] x, int xOff, int n);

  /** dx[i] = dy[i]·f'(x[i]), from the saved input x or output y, whichever is cheaper. */
  protected abstract void gradient(float[] dx, int dxOff, float[] dy, int dyOff, Tensor x,
      Tensor y, int n);

  @Override
  protected Shape create(Shape in, RandomGenerator random) {
    return in;
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    int n = checkInput(x);
    Tensor y = out.get(n, outputShape());
    apply(y.data(), y.offset(), x.data(), x.offset(), x.size());
    input = training ? x : null;
    output = training ? y : null;
    return y;
  }

  @Override
  public Tensor infer(Tensor x) {
    int n = checkInput(x);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    apply(y.data(), y.offset(), x.data(), x.offset(), x.size());
    return y;
  }

  @Override
  public Tensor backward(Tensor dOut) {
    if (input == null) {
      throw noForward();
    }
    int n = input.dim(0);
    checkGradient(dOut, n);
    Tensor dx = dInput.get(n, inputShape());
    gradient(dx.data(), dx.offset(), dOut.data(), dOut.offset(), input, output, dx.size());
    return dx;
  }
}
