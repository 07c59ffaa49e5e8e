package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Elementwise;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A recurrent layer whose initial state is a parameter, (N, H) for a fixed batch: h0 (and the
 * LSTM's c0) are given with {@code setInitialState} before each forward pass, and their
 * gradients ({@code initialStateGradient}, {@code initialCellGradient}) are added into the
 * parameters' after backward. So the gradient check perturbs the initial state like any weight
 * and checks ∂L/∂h0 and ∂L/∂c0; it is also how a caller would learn an initial state.
 */
final class LearnedInitialState implements Layer {
  private final RecurrentLayer inner;
  private final int batch;
  private Param h0;
  private Param c0;  // LSTM only

  LearnedInitialState(RecurrentLayer inner, int batch) {
    this.inner = inner;
    this.batch = batch;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public LayerConfig config() {
    return inner.config();
  }

  @Override
  public Shape build(Shape inputSample, RandomGenerator random) {
    Shape out = inner.build(inputSample, random);
    h0 = state("h0", random);
    c0 = inner instanceof Lstm ? state("c0", random) : null;
    return out;
  }

  private Param state(String name, RandomGenerator random) {
    Param p = new Param(name, Shape.of(batch, inner.hiddenSize()));
    for (int i = 0; i < p.size(); i++) {
      p.value().data()[i] = random.nextFloat(-1, 1);
    }
    return p;
  }

  @Override
  public Shape inputShape() {
    return inner.inputShape();
  }

  @Override
  public Shape outputShape() {
    return inner.outputShape();
  }

  @Override
  public List<Param> params() {
    List<Param> all = new ArrayList<>(inner.params());
    all.add(h0);
    if (c0 != null) {
      all.add(c0);
    }
    return all;
  }

  private void setStates() {
    if (inner instanceof Lstm lstm) {
      lstm.setInitialState(h0.value(), c0.value());
    } else {
      inner.setInitialState(h0.value());
    }
  }

  @Override
  public Tensor forward(Tensor x, boolean training) {
    setStates();
    return inner.forward(x, training);
  }

  @Override
  public Tensor backward(Tensor dOut) {
    Tensor dx = inner.backward(dOut);
    addInto(h0.grad(), inner.initialStateGradient());
    if (inner instanceof Lstm lstm) {
      addInto(c0.grad(), lstm.initialCellGradient());
    }
    return dx;
  }

  private static void addInto(Tensor sum, Tensor x) {
    Elementwise.add(sum.data(), sum.offset(), sum.data(), sum.offset(), x.data(), x.offset(),
        sum.size());
  }

  @Override
  public Tensor infer(Tensor x) {
    setStates();
    return inner.infer(x);
  }
}
