package dev.lanes.layers.loss;

import dev.lanes.core.Tensor;

/**
 * Central differences against a loss's analytic gradient. For each element x_i of the output,
 *
 * <pre>
 *   numeric_i = (L(x + h·e_i) - L(x - h·e_i)) / ((x_i + h) - (x_i - h))
 *   error_i   = |analytic_i - numeric_i| / max(|analytic_i| + |numeric_i|, floor)
 * </pre>
 *
 * with the perturbed values rounded to float first and the denominator taken from those rounded
 * values, and both losses widened to double before the difference, so the only float error left
 * is in the loss values themselves (about an ulp of L each, divided by 2h).
 */
final class LossGradientCheck {
  /** The worst element of one check. */
  record Result(double maxError, int worstIndex, double analytic, double numeric) {
    @Override
    public String toString() {
      return "max relative error " + maxError + " at element " + worstIndex + " (analytic "
          + analytic + ", numeric " + numeric + ")";
    }
  }

  private LossGradientCheck() {}

  /** Checks every element of output; output is restored before returning. */
  static Result check(Loss loss, Tensor output, Tensor target, float h, double floor) {
    double scaledFloor = floor * Math.max(1, Math.abs(loss.forward(output, target)));
    Tensor analytic = Tensor.zeros(output.shape());
    loss.backward(analytic);
    float[] x = output.data();
    double worst = -1;
    int worstIndex = -1;
    double worstA = 0;
    double worstN = 0;
    for (int i = 0; i < output.size(); i++) {
      int at = output.offset() + i;
      float original = x[at];
      float plus = original + h;
      float minus = original - h;
      x[at] = plus;
      double lossPlus = loss.forward(output, target);
      x[at] = minus;
      double lossMinus = loss.forward(output, target);
      x[at] = original;
      double numeric = (lossPlus - lossMinus) / ((double) plus - minus);
      double a = analytic.data()[i];
      double error = Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), scaledFloor);
      if (!(error <= worst)) { // NaN counts as the worst
        worst = error;
        worstIndex = i;
        worstA = a;
        worstN = numeric;
      }
    }
    return new Result(worst, worstIndex, worstA, worstN);
  }
}
