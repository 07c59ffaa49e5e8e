package dev.lanes.layers.check;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.layers.Layer;
import dev.lanes.layers.Param;
import dev.lanes.layers.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Compares the analytic gradients of a layer (or a stack of layers, or a loss) with central
 * differences, from any test framework.
 *
 * <pre>{@code
 * GradientCheck.Report r = GradientCheck.layers(List.of(new Dense(new Dense.Config(4), "d")),
 *     Shape.of(3), 2, GradientCheck.Settings.defaults());
 * r.assertPassed();   // or inspect r.tensors()
 * }</pre>
 *
 * <p>The scalar checked is {@code L = Σ out ⊙ R} for a fixed random R (so every output counts),
 * summed in double; its gradient with respect to the output is R, which is what backward gets.
 * Each checked element e gets a numeric derivative {@code (L(e + ε) - L(e - ε)) / 2ε} and a
 * relative error {@code |a - n| / max(|a| + |n|, floor)}.
 *
 * <p>Why these settings never give a false alarm in float32 and still catch a wrong gradient:
 * <ul>
 *   <li>ε = 3e-3 (inputs are drawn in [-1, 1]): the truncation error of a central difference
 *       is O(ε²·L'''). It is about 1e-5 relative for an activation, but a convolution followed
 *       by batch norm over a small batch is far more curved: there ε = 1e-2 gave errors of 3%
 *       and ε = 3e-3 ten times less, while the rounding noise below grows only as 1/ε;
 *   <li>L is computed from float outputs, so it carries rounding noise of about
 *       2⁻²⁴·Σ|out ⊙ R|; divided by 2ε this becomes an absolute noise on every numeric
 *       derivative. The floor is raised to 10× that noise divided by the tolerance, so that two
 *       near-zero derivatives never compare as different;
 *   <li>an element within ε of a kink (relu at 0, a tie in max pooling or maxout) has no
 *       derivative: there the analytic gradient is the one-sided derivative of the side the
 *       forward pass took, so an element whose central difference disagrees is compared with
 *       both one-sided differences (L(e ± ε) - L(e)) / ±ε too, and counted as "at a kink"
 *       when one agrees. If none agrees the element is tried again with ε/4 (and a floor 4×
 *       larger), which steps around most kinks in stacks where one weight moves many units.
 *       A wrong gradient agrees with neither step;
 *   <li>tolerance 2e-2: a sign flip gives a relative error of 1, a missing term or a factor
 *       error typically 0.1 to 1, while noise and truncation stay below 1e-2.
 * </ul>
 * Layers are checked in training mode (batch norm with batch statistics) with their randomness
 * frozen (dropout keeps one mask); batch norm's running statistics are restored afterwards.
 */
public final class GradientCheck {
  private GradientCheck() {}

  /** How a check runs. */
  public record Settings(float epsilon, double tolerance, double floor, int maxChecksPerTensor,
      long seed) {
    public Settings {
      if (!(epsilon > 0) || !(tolerance > 0) || !(floor > 0) || maxChecksPerTensor < 1) {
        throw new IllegalArgumentException("GradientCheck: epsilon, tolerance and floor must be"
            + " > 0 and maxChecksPerTensor >= 1, got " + epsilon + ", " + tolerance + ", "
            + floor + ", " + maxChecksPerTensor);
      }
    }

    /** ε = 3e-3, tolerance 2e-2, floor 1e-3 (raised to the noise level), 60 elements per tensor, seed 1. */
    public static Settings defaults() {
      return new Settings(3e-3f, 2e-2, 1e-3, 60, 1);
    }

    public Settings withSeed(long newSeed) {
      return new Settings(epsilon, tolerance, floor, maxChecksPerTensor, newSeed);
    }

    public Settings withEpsilon(float newEpsilon) {
      return new Settings(newEpsilon, tolerance, floor, maxChecksPerTensor, seed);
    }

    public Settings withTolerance(double newTolerance) {
      return new Settings(epsilon, newTolerance, floor, maxChecksPerTensor, seed);
    }
  }

  /** The outcome for one tensor (the input, or one parameter). */
  public record TensorReport(String tensor, int checked, int atKinks,
      double maxRelativeError, int worstIndex, double worstAnalytic, double worstNumeric,
      boolean passed) {
    @Override
    public String toString() {
      return String.format("%-34s %s: %d checked (%d one-sided, at kinks), max relative error %.2e"
          + " at [%d] (analytic %.6g, numeric %.6g)", tensor, passed ? "ok  " : "FAIL", checked,
          atKinks, maxRelativeError, worstIndex, worstAnalytic, worstNumeric);
    }
  }

  /** Every tensor's outcome. */
  public record Report(List<TensorReport> tensors, Settings settings, double floorUsed) {
    public boolean passed() {
      return tensors.stream().allMatch(TensorReport::passed);
    }

    /** Throws an {@link AssertionError} with the whole report unless every tensor passed. */
    public void assertPassed() {
      if (!passed()) {
        throw new AssertionError("gradient check failed\n" + this);
      }
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("ε = %s, tolerance %s, floor %.3g%n", settings.epsilon(),
          settings.tolerance(), floorUsed));
      tensors.forEach(t -> sb.append(t).append('\n'));
      return sb.toString();
    }
  }

  /**
   * Checks a stack of layers applied in order to a batch of {@code batch} random inputs of the
   * given sample shape. Unbuilt layers are built here from the settings' seed.
   */
  public static Report layers(List<Layer> stack, Shape inputSample, int batch, Settings s) {
    SplittableRandom random = new SplittableRandom(s.seed());
    Shape sample = inputSample;
    for (Layer layer : stack) {
      sample = isBuilt(layer) ? layer.outputShape() : layer.build(sample, random.split());
    }
    Tensor x = Tensor.zeros(inputSample.prepend(batch));
    fill(x, random);
    Tensor r = Tensor.zeros(sample.prepend(batch));
    fill(r, random);

    List<Param> params = new ArrayList<>();
    List<float[]> savedBuffers = new ArrayList<>();
    for (Layer layer : stack) {
      params.addAll(layer.params());
      layer.buffers().forEach(b -> savedBuffers.add(b.value().toArray()));
      layer.freezeRandomness(true);
    }
    try {
      params.forEach(Param::zeroGrad);
      Tensor out = forward(stack, x);
      double magnitude = absDot(out, r);
      Tensor dx = r;
      for (int i = stack.size() - 1; i >= 0; i--) {
        dx = stack.get(i).backward(dx);
      }
      float[] analyticInput = dx.toArray();
      List<float[]> analyticParams = params.stream().map(p -> p.grad().toArray()).toList();

      double noise = 4 * Math.ulp(1f) / 2 * magnitude / (2 * s.epsilon());
      double floor = Math.max(s.floor(), 10 * noise / s.tolerance());
      Objective loss = () -> dot(forward(stack, x), r);
      List<TensorReport> reports = new ArrayList<>();
      reports.add(compare("input", x, analyticInput, loss, s, floor, random));
      for (int i = 0; i < params.size(); i++) {
        Param p = params.get(i);
        reports.add(compare("param " + i + " " + ownerOf(stack, p) + "." + p.name(), p.value(),
            analyticParams.get(i),
            loss, s, floor, random));
      }
      return new Report(reports, s, floor);
    } finally {
      int b = 0;
      for (Layer layer : stack) {
        layer.freezeRandomness(false);
        for (Param buffer : layer.buffers()) {
          float[] saved = savedBuffers.get(b++);
          System.arraycopy(saved, 0, buffer.value().data(), buffer.value().offset(), saved.length);
        }
      }
      params.forEach(Param::zeroGrad);
    }
  }

  /** Checks one layer; see {@link #layers}. */
  public static Report layer(Layer layer, Shape inputSample, int batch, Settings s) {
    return layers(List.of(layer), inputSample, batch, s);
  }

  /**
   * Checks a loss: the gradient that {@link Loss#backward} writes for {@code output} against
   * central differences of {@link Loss#forward} (the loss itself is the scalar, no R). The floor
   * scales with |L|, because the rounding of the float loss grows with it.
   */
  public static Report loss(Loss loss, Tensor output, Tensor target, Settings s) {
    SplittableRandom random = new SplittableRandom(s.seed());
    float value = loss.forward(output, target);
    Tensor grad = Tensor.zeros(output.shape());
    loss.backward(grad);
    // the loss is one float: its rounding, about an ulp of L, is the noise of each difference
    double noise = Math.ulp(Math.max(Math.abs(value), 1f)) / (2 * s.epsilon());
    double floor = Math.max(s.floor() * Math.max(1, Math.abs(value)), 10 * noise / s.tolerance());
    TensorReport r = compare("output", output, grad.toArray(),
        () -> loss.forward(output, target), s, floor, random);
    return new Report(List.of(r), s, floor);
  }

  /** A scalar function of the current values of the tensors being perturbed. */
  private interface Objective {
    double value();
  }

  private static TensorReport compare(String name, Tensor t, float[] analytic, Objective loss,
      Settings s, double floor, SplittableRandom random) {
    int n = t.size();
    int[] indices = chooseIndices(n, s.maxChecksPerTensor(), random);
    double base = loss.value();
    double worst = 0;
    int worstIndex = -1;
    double worstA = 0;
    double worstN = 0;
    int kinks = 0;
    for (int i : indices) {
      double a = analytic[i];
      Difference diff = null;
      // Kinks (relu at 0, a tie in max pooling) lie within ε of some elements, most often in
      // a stack where one weight moves many units. A smaller step steps around them; it costs
      // precision (the floor grows as 1/ε), so the step shrinks only for elements that disagree.
      for (int shrink = 1; shrink <= 4; shrink *= 4) {
        float h = s.epsilon() / shrink;
        diff = difference(t, i, h, a, base, loss, floor * shrink, s.tolerance());
        if (diff.relativeError() <= s.tolerance()) {
          break;
        }
      }
      if (diff.atKink()) {
        kinks++;
      }
      if (diff.relativeError() > worst || worstIndex < 0) {
        worst = diff.relativeError();
        worstIndex = i;
        worstA = a;
        worstN = diff.numeric();
      }
    }
    boolean passed = worst <= s.tolerance();
    return new TensorReport(name, indices.length, kinks, worst, worstIndex, worstA, worstN, passed);
  }

  /** A numeric derivative and its relative error against the analytic one. */
  private record Difference(double numeric, double relativeError, boolean atKink) {}

  /**
   * The central difference of element i with step h, compared with the analytic gradient a;
   * where they disagree, also the one-sided differences: within h of a kink the function has no
   * derivative, and the analytic gradient is the one-sided derivative of the side the forward
   * pass took.
   */
  private static Difference difference(Tensor t, int i, float h, double a, double base,
      Objective loss, double floor, double tolerance) {
    float[] d = t.data();
    int at = t.offset() + i;
    float v = d[at];
    // the step actually taken is between the float-rounded values, not exactly 2h
    float up = v + h;
    float down = v - h;
    d[at] = up;
    double plus = loss.value();
    d[at] = down;
    double minus = loss.value();
    d[at] = v;
    double numeric = (plus - minus) / ((double) up - down);
    double rel = relativeError(a, numeric, floor);
    if (rel <= tolerance) {
      return new Difference(numeric, rel, false);
    }
    double oneSided = Math.min(relativeError(a, (plus - base) / ((double) up - v), floor),
        relativeError(a, (base - minus) / ((double) v - down), floor));
    return oneSided < rel ? new Difference(numeric, oneSided, true)
        : new Difference(numeric, rel, false);
  }

  private static double relativeError(double analytic, double numeric, double floor) {
    return Math.abs(analytic - numeric) / Math.max(Math.abs(analytic) + Math.abs(numeric), floor);
  }

  private static int[] chooseIndices(int n, int max, SplittableRandom random) {
    if (n <= max) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    return random.ints(0, n).distinct().limit(max).sorted().toArray();
  }

  private static Tensor forward(List<Layer> stack, Tensor x) {
    Tensor h = x;
    for (Layer layer : stack) {
      h = layer.forward(h, true);
    }
    return h;
  }

  private static boolean isBuilt(Layer layer) {
    try {
      layer.inputShape();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static String ownerOf(List<Layer> stack, Param p) {
    for (Layer layer : stack) {
      if (layer.params().contains(p)) {
        return layer.name();
      }
    }
    return "?";
  }

  private static void fill(Tensor t, SplittableRandom random) {
    for (int i = 0; i < t.size(); i++) {
      t.data()[t.offset() + i] = (float) random.nextDouble(-1, 1);
    }
  }

  private static double dot(Tensor a, Tensor b) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) {
      s += (double) a.data()[a.offset() + i] * b.data()[b.offset() + i];
    }
    return s;
  }

  private static double absDot(Tensor a, Tensor b) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) {
      s += Math.abs((double) a.data()[a.offset() + i] * b.data()[b.offset() + i]);
    }
    return s;
  }
}
