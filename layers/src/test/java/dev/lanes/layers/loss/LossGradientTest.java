package dev.lanes.layers.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Softmax;
import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.Property;
import dev.lanes.layers.check.GradientCheck;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every loss's analytic gradient against central differences on random shapes, and the same
 * check catching deliberately wrong gradients.
 *
 * <p>Settings: h = 1e-2; tolerance 1e-2 on |a - n| / max(|a| + |n|, floor) with floor
 * 1e-2·max(1, |L|). Why: the losses are smooth, so the truncation error of central differences
 * (h²/6 times a third derivative of order 1/N) is about 1e-5 relative; what is left is the
 * rounding of the float loss L, one ulp of L per evaluation, which turns into an absolute error
 * of about ulp(L)/h ≈ 1e-5·|L| in the numeric derivative. The floor scales with |L| for that
 * reason and makes the check, for elements below it, an absolute test at 1e-4·max(1, |L|), ten
 * times the noise. Over 2000 cases per loss the worst error seen was 1.2e-3 (smaller h or floor
 * pushed it to the tolerance: h = 3e-3 with floor 1e-3 reached 3.6e-2).
 *
 * <p>Mutations (sign flip, missing 1/N or 1/M, missing factor 2, missing target term, label
 * smoothing ignored) are caught on every case: the smallest worst error among them is printed
 * by each property and is far above the tolerance.
 */
class LossGradientTest {
  static final float H = 1e-2f;
  static final double FLOOR = 1e-2;
  static final double TOLERANCE = 1e-2;
  /** Every element checked (the outputs here have at most a few dozen). */
  static final GradientCheck.Settings SETTINGS =
      new GradientCheck.Settings(H, TOLERANCE, FLOOR, Integer.MAX_VALUE, 1);

  /** A loss and the inputs of one case. */
  record Setup(Loss loss, Tensor output, Tensor target) {}

  // ---- case generators: small shapes keep gradients (order 1/M) far above the 1e-4 noise

  static Setup crossEntropy(Case c, int minBatch) {
    return crossEntropy(c, minBatch, 1);
  }

  /** With one class the gradient is 0 everywhere; mutations of 0 need minClasses = 2. */
  static Setup crossEntropy(Case c, int minBatch, int minClasses) {
    int n = c.size("N", minBatch, 8, 1, 2, 3);
    int classes = c.size("C", minClasses, 12, 1, 2, 10);
    float scale = c.oneOf("logit scale", 1f, 3f, 10f);
    float eps = c.bool("smoothing") ? c.floatIn("epsilon", 0f, 1f) : 0f;
    Tensor logits = Tensor.wrap(c.floats("logits", n * classes, -scale, scale), n, classes);
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = c.random().nextInt(classes);
    }
    c.note("labels", Arrays.toString(labels));
    return new Setup(new SoftmaxCrossEntropy(eps), logits, Tensor.wrap(labels, n));
  }

  static Setup meanSquared(Case c, int minBatch) {
    int[] dims = shape(c, minBatch);
    int m = Shape.of(dims).size();
    return new Setup(new MeanSquaredError(), Tensor.wrap(c.floats("output", m, -2, 2), dims),
        Tensor.wrap(c.floats("target", m, -2, 2), dims));
  }

  static Setup binaryCrossEntropy(Case c, int minBatch) {
    int[] dims = shape(c, minBatch);
    int m = Shape.of(dims).size();
    float scale = c.oneOf("logit scale", 1f, 3f, 10f);
    float[] t = c.bool("hard targets") ? hard(c, m) : c.floats("target", m, 0, 1);
    return new Setup(new BinaryCrossEntropyWithLogits(),
        Tensor.wrap(c.floats("logits", m, -scale, scale), dims), Tensor.wrap(t, dims));
  }

  /** (N), (N, F) or (N, C, H, W) with at most 64 elements. */
  private static int[] shape(Case c, int minBatch) {
    int n = c.size("N", minBatch, 8, 1, 2);
    int rank = c.intIn("rank", 1, 3);
    int[] dims = switch (rank) {
      case 1 -> new int[] {n};
      case 2 -> new int[] {n, c.size("F", 1, 8, 1)};
      default -> new int[] {n, c.size("C", 1, 2), c.size("H", 1, 2), c.size("W", 1, 2)};
    };
    c.note("shape", Shape.of(dims));
    return dims;
  }

  private static float[] hard(Case c, int m) {
    float[] t = new float[m];
    for (int i = 0; i < m; i++) {
      t[i] = c.random().nextBoolean() ? 1f : 0f;
    }
    c.note("target", Arrays.toString(t));
    return t;
  }

  // ---- the checks

  @Test
  void softmaxCrossEntropyMatchesCentralDifferences() {
    passes("SoftmaxCrossEntropy gradient matches central differences", c -> crossEntropy(c, 1));
  }

  @Test
  void meanSquaredErrorMatchesCentralDifferences() {
    passes("MeanSquaredError gradient matches central differences", c -> meanSquared(c, 1));
  }

  @Test
  void binaryCrossEntropyMatchesCentralDifferences() {
    passes("BinaryCrossEntropyWithLogits gradient matches central differences",
        c -> binaryCrossEntropy(c, 1));
  }

  private static void passes(String name, Function<Case, Setup> setup) {
    double[] worst = {0};
    Property.named(name).tries(300).check(c -> {
      Setup s = setup.apply(c);
      GradientCheck.TensorReport r = GradientCheck.loss(s.loss(), s.output(), s.target(),
          SETTINGS).tensors().get(0);
      c.note("result", r);
      if (!(r.maxRelativeError() <= TOLERANCE)) {
        throw new AssertionError("gradient check failed: " + r);
      }
      worst[0] = Math.max(worst[0], r.maxRelativeError());
    });
    System.out.printf(Locale.ROOT, "[gradient check] %s: worst error %.3g (tolerance"
        + " %.3g)%n", name, worst[0], TOLERANCE);
  }

  // ---- mutations: the same settings must flag deliberately wrong gradients

  /** A loss whose forward is right and whose backward is transformed by a mutation. */
  record Mutant(Loss base, Loss backwardFrom, Mutation mutation) implements Loss {
    Mutant(Loss base, Mutation mutation) {
      this(base, base, mutation);
    }

    @Override
    public float forward(Tensor output, Tensor target) {
      if (backwardFrom != base) {
        backwardFrom.forward(output, target);
      }
      return base.forward(output, target);
    }

    @Override
    public void backward(Tensor dOutput) {
      backwardFrom.backward(dOutput);
      float[] d = dOutput.data();
      for (int i = 0; i < dOutput.size(); i++) {
        d[dOutput.offset() + i] = mutation.apply(d[dOutput.offset() + i], dOutput);
      }
    }
  }

  interface Mutation {
    float apply(float gradient, Tensor dOutput);
  }

  static final Mutation SIGN_FLIP = (g, d) -> -g;
  static final Mutation MISSING_MEAN_OVER_BATCH = (g, d) -> g * d.dim(0);
  static final Mutation MISSING_MEAN_OVER_ELEMENTS = (g, d) -> g * d.size();
  static final Mutation HALF = (g, d) -> g / 2;

  @Test
  void wrongCrossEntropyGradientsAreCaught() {
    caught("SoftmaxCrossEntropy: sign flip",
        c -> mutate(crossEntropy(c, 1, 2), SIGN_FLIP));
    caught("SoftmaxCrossEntropy: missing 1/N",
        c -> mutate(crossEntropy(c, 2, 2), MISSING_MEAN_OVER_BATCH));
    // softmax/N without the -onehot/N term: wrong wherever a label is, for any C ≥ 1
    caught("SoftmaxCrossEntropy: missing target term", c -> {
      Setup s = crossEntropy(c, 1, 2);
      SoftmaxCrossEntropy ce = (SoftmaxCrossEntropy) s.loss();
      Loss mutant = new Loss() {
        private Tensor logits;

        @Override
        public float forward(Tensor output, Tensor target) {
          logits = output;
          return ce.forward(output, target);
        }

        @Override
        public void backward(Tensor dOutput) {
          int n = dOutput.dim(0);
          int k = dOutput.dim(1);
          float[] d = dOutput.data();
          Softmax.softmaxRows(d, dOutput.offset(), logits.data(), logits.offset(), n, k);
          for (int i = 0; i < n * k; i++) {
            d[dOutput.offset() + i] /= n;
          }
        }
      };
      return new Setup(mutant, s.output(), s.target());
    });
    // gradient of the unsmoothed loss for a loss smoothed with ε ≥ 0.2 (for C = 1 smoothing
    // changes nothing, so C ≥ 2)
    caught("SoftmaxCrossEntropy: label smoothing ignored", c -> {
      int n = c.size("N", 1, 8, 1, 2);
      int k = c.size("C", 2, 12, 2, 10);
      float eps = c.floatIn("epsilon", 0.2f, 1f);
      Tensor logits = Tensor.wrap(c.floats("logits", n * k, -3, 3), n, k);
      float[] labels = new float[n];
      for (int i = 0; i < n; i++) {
        labels[i] = c.random().nextInt(k);
      }
      return new Setup(new Mutant(new SoftmaxCrossEntropy(eps), new SoftmaxCrossEntropy(),
          (g, d) -> g), logits, Tensor.wrap(labels, n));
    });
  }

  @Test
  void wrongMeanSquaredErrorGradientsAreCaught() {
    caught("MeanSquaredError: sign flip", c -> mutate(meanSquared(c, 1), SIGN_FLIP));
    caught("MeanSquaredError: missing factor 2", c -> mutate(meanSquared(c, 1), HALF));
    caught("MeanSquaredError: 1/N instead of 1/M", c -> {
      Setup s = meanSquared(c, 1);
      // only a mutation where an element has more than the batch dimension: rank ≥ 2, F ≥ 2
      int perSample = s.output().shape().sampleSize();
      return mutate(s, (g, d) -> g * perSample);
    }, true);
  }

  @Test
  void wrongBinaryCrossEntropyGradientsAreCaught() {
    caught("BinaryCrossEntropyWithLogits: sign flip",
        c -> mutate(binaryCrossEntropy(c, 1), SIGN_FLIP));
    caught("BinaryCrossEntropyWithLogits: missing 1/M",
        c -> mutate(binaryCrossEntropy(c, 2), MISSING_MEAN_OVER_ELEMENTS));
  }

  private static Setup mutate(Setup s, Mutation m) {
    return new Setup(new Mutant(s.loss(), m), s.output(), s.target());
  }

  private static void caught(String name, Function<Case, Setup> setup) {
    caught(name, setup, false);
  }

  /**
   * Every case must fail the check. With {@code skipNoOps}, cases where the mutation changes
   * nothing (it multiplies by 1) are skipped.
   */
  private static void caught(String name, Function<Case, Setup> setup, boolean skipNoOps) {
    double[] weakest = {Double.POSITIVE_INFINITY};
    int[] checked = {0};
    Property.named(name + " is caught").tries(100).check(c -> {
      Setup s = setup.apply(c);
      if (skipNoOps && s.output().shape().sampleSize() == 1) {
        return;
      }
      GradientCheck.TensorReport r = GradientCheck.loss(s.loss(), s.output(), s.target(),
          SETTINGS).tensors().get(0);
      c.note("result", r);
      if (!(r.maxRelativeError() > TOLERANCE)) {
        throw new AssertionError("mutation not caught: " + r);
      }
      weakest[0] = Math.min(weakest[0], r.maxRelativeError());
      checked[0]++;
    });
    System.out.printf(Locale.ROOT,
        "[mutation] %s: caught in all %d cases, smallest worst error %.3g%n",
        name, checked[0], weakest[0]);
    assertTrue(checked[0] >= 25, name + ": too few cases where the mutation applies");
  }
}
