package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.random.RandomGenerator;

/**
 * What every layer shares: its name, the shapes fixed by {@link #build}, and the checks at the
 * front door that give messages in the form
 * {@code Dense 'dense_2': expected input (N, 784), got (32, 1, 28, 28); add flatten() before dense()}.
 */
public abstract class AbstractLayer implements Layer {
  private final String name;
  private Shape inputShape;
  private Shape outputShape;

  protected AbstractLayer(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": a layer needs a name");
    }
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Shape build(Shape inputSample, RandomGenerator random) {
    if (inputShape != null) {
      throw new IllegalStateException(describe() + ": already built for input "
          + withBatchLetter(inputShape));
    }
    Shape out = create(inputSample, random);
    this.inputShape = inputSample;
    this.outputShape = out;
    return out;
  }

  /** Checks the input sample shape, creates the parameters, returns the output sample shape. */
  protected abstract Shape create(Shape inputSample, RandomGenerator random);

  @Override
  public final Shape inputShape() {
    requireBuilt();
    return inputShape;
  }

  @Override
  public final Shape outputShape() {
    requireBuilt();
    return outputShape;
  }

  /** {@code Dense 'dense_2'}. */
  final String describe() {
    return getClass().getSimpleName() + " '" + name + "'";
  }

  /**
   * Checks that x is (N, inputShape...) and returns N.
   *
   * @throws IllegalArgumentException {@code <Layer> '<name>': expected input <expected>, got <actual>[; hint]}
   */
  protected final int checkInput(Tensor x) {
    requireBuilt();
    Shape s = x.shape();
    if (!s.isBatchOf(inputShape)) { // allocates nothing: this runs in every training step
      String hint = hint(s);
      throw new IllegalArgumentException(describe() + ": expected input "
          + withBatchLetter(inputShape) + ", got " + s + (hint.isEmpty() ? "" : "; " + hint));
    }
    return s.dim(0);
  }

  /** Checks that dOut has the shape of the last output, (N, outputShape...). */
  protected final void checkGradient(Tensor dOut, int batch) {
    if (!dOut.shape().isBatchOf(outputShape) || dOut.dim(0) != batch) {
      throw new IllegalArgumentException(describe() + ": expected a gradient of shape "
          + outputShape.prepend(batch) + " (the last output's), got " + dOut.shape());
    }
  }

  /** A hint to add to a wrong-shape message, or "" (e.g. "add flatten() before dense()"). */
  protected String hint(Shape actual) {
    return "";
  }

  /** Checks for a shape that {@link #create} cannot use, with the same message form. */
  final IllegalArgumentException badInput(String expected, Shape sample, String hint) {
    return new IllegalArgumentException(describe() + ": expected input " + expected + ", got "
        + withBatchLetter(sample) + (hint.isEmpty() ? "" : "; " + hint));
  }

  protected final IllegalStateException noForward() {
    return new IllegalStateException(
        describe() + ": backward() called before a training forward()");
  }

  private void requireBuilt() {
    if (inputShape == null) {
      throw new IllegalStateException(describe() + ": build() was not called");
    }
  }

  /** (N, 784) for the sample shape (784). */
  public static String withBatchLetter(Shape sample) {
    String dims = sample.toString();
    return dims.equals("()") ? "(N)" : "(N, " + dims.substring(1);
  }
}
