package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.layers.check.GradientCheck;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The gradient check's default settings catch deliberately wrong backward passes: a sign flip,
 * a missing term, a factor, a derivative taken from the wrong saved tensor. Each mutant is the
 * real layer with its backward result corrupted the way a plausible bug would.
 */
class GradientCheckMutationTest {
  /** A layer whose backward output (and parameter gradients) a bug has corrupted. */
  private static final class Mutant implements Layer {
    private final Layer real;
    private final BiConsumer<Layer, Tensor> bug; // (layer, dx) → corrupts dx or param grads

    Mutant(Layer real, BiConsumer<Layer, Tensor> bug) {
      this.real = real;
      this.bug = bug;
    }

    @Override public String name() { return real.name(); }
    @Override public LayerConfig config() { return real.config(); }
    @Override public Shape build(Shape in, RandomGenerator r) { return real.build(in, r); }
    @Override public Shape inputShape() { return real.inputShape(); }
    @Override public Shape outputShape() { return real.outputShape(); }
    @Override public List<Param> params() { return real.params(); }
    @Override public List<Param> buffers() { return real.buffers(); }
    @Override public Tensor forward(Tensor x, boolean training) { return real.forward(x, training); }
    @Override public Tensor infer(Tensor x) { return real.infer(x); }

    @Override
    public Tensor backward(Tensor dOut) {
      Tensor dx = real.backward(dOut);
      bug.accept(real, dx);
      return dx;
    }
  }

  private static boolean caught(Layer mutant, Shape sample, int batch) {
    GradientCheck.Report r = GradientCheck.layer(mutant, sample, batch,
        GradientCheck.Settings.defaults());
    return !r.passed();
  }

  private static void scale(Tensor t, float factor) {
    for (int i = 0; i < t.size(); i++) {
      t.data()[t.offset() + i] *= factor;
    }
  }

  @Test
  void theRealLayersPass() {
    assertTrue(GradientCheck.layer(new Dense.Config(5).create("d"), Shape.of(4), 3,
        GradientCheck.Settings.defaults()).passed());
    assertTrue(GradientCheck.layer(new BatchNorm.Config().create("bn"), Shape.of(4), 6,
        GradientCheck.Settings.defaults()).passed());
  }

  @Test
  void aSignFlipInTheInputGradientIsCaught() {
    assertTrue(caught(new Mutant(new Dense.Config(5).create("d"), (l, dx) -> scale(dx, -1)),
        Shape.of(4), 3));
  }

  @Test
  void aMissingBiasGradientIsCaught() {
    assertTrue(caught(new Mutant(new Dense.Config(5).create("d"),
        (l, dx) -> l.params().get(1).zeroGrad()), Shape.of(4), 3));
  }

  @Test
  void aWeightGradientTenPercentOffIsCaught() {
    assertTrue(caught(new Mutant(new Conv2d.Config(2, 3).create("c"),
        (l, dx) -> scale(l.params().get(0).grad(), 0.9f)), Shape.of(2, 5, 5), 2));
  }

  @Test
  void batchNormWithoutTheBatchStatisticTermsIsCaught() {
    // the classic bug: treat mean and variance as constants, dx = γ·dy/√(var + ε)
    assertTrue(caught(new NaiveBatchNorm(new BatchNorm.Config().create("bn")), Shape.of(3), 6));
  }

  @Test
  void softmaxWithoutItsCouplingTermIsCaught() {
    assertTrue(caught(new NaiveSoftmax(new Softmax.Config().create("s")), Shape.of(5), 3));
  }

  @Test
  void sigmoidDerivativeFromTheInputInsteadOfTheOutputIsCaught() {
    assertTrue(caught(new SigmoidFromInput(new Sigmoid.Config().create("s")), Shape.of(6), 2));
  }

  /** BatchNorm whose dx = γ·dy/√(var + ε), ignoring that mean and variance depend on x. */
  private static final class NaiveBatchNorm extends Forwarding {
    NaiveBatchNorm(Layer real) {
      super(real);
    }

    @Override
    Tensor wrongGradient(Tensor x, Tensor dOut, Tensor dx) {
      int n = x.dim(0);
      int f = x.dim(1);
      float gamma = real.params().get(0).value().data()[0];
      for (int c = 0; c < f; c++) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
          mean += x.get(i, c);
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
          var += (x.get(i, c) - mean) * (x.get(i, c) - mean);
        }
        var /= n;
        for (int i = 0; i < n; i++) {
          dx.set((float) (gamma * dOut.get(i, c) / Math.sqrt(var + 1e-5)), i, c);
        }
      }
      return dx;
    }
  }

  /** Softmax whose dx = y ⊙ dy, without the - y·Σ dy·y term. */
  private static final class NaiveSoftmax extends Forwarding {
    NaiveSoftmax(Layer real) {
      super(real);
    }

    @Override
    Tensor wrongGradient(Tensor x, Tensor dOut, Tensor dx) {
      Tensor y = real.infer(x);
      for (int i = 0; i < dx.size(); i++) {
        dx.data()[dx.offset() + i] = y.data()[i] * dOut.data()[dOut.offset() + i];
      }
      return dx;
    }
  }

  /** Sigmoid whose derivative is x(1 - x) instead of y(1 - y). */
  private static final class SigmoidFromInput extends Forwarding {
    SigmoidFromInput(Layer real) {
      super(real);
    }

    @Override
    Tensor wrongGradient(Tensor x, Tensor dOut, Tensor dx) {
      for (int i = 0; i < dx.size(); i++) {
        float v = x.data()[x.offset() + i];
        dx.data()[dx.offset() + i] = dOut.data()[dOut.offset() + i] * v * (1 - v);
      }
      return dx;
    }
  }

  /** Runs the real layer but replaces its input gradient by a wrong one computed from x and dOut. */
  private abstract static class Forwarding implements Layer {
    final Layer real;
    private Tensor input;

    Forwarding(Layer real) {
      this.real = real;
    }

    abstract Tensor wrongGradient(Tensor x, Tensor dOut, Tensor dx);

    @Override public String name() { return real.name(); }
    @Override public LayerConfig config() { return real.config(); }
    @Override public Shape build(Shape in, RandomGenerator r) { return real.build(in, r); }
    @Override public Shape inputShape() { return real.inputShape(); }
    @Override public Shape outputShape() { return real.outputShape(); }
    @Override public List<Param> params() { return real.params(); }
    @Override public Tensor infer(Tensor x) { return real.infer(x); }

    @Override
    public Tensor forward(Tensor x, boolean training) {
      input = x;
      return real.forward(x, training);
    }

    @Override
    public Tensor backward(Tensor dOut) {
      Tensor dx = real.backward(dOut);
      return wrongGradient(input, dOut, dx);
    }
  }
}
