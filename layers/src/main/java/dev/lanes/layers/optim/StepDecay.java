package dev.lanes.layers.optim;

/**
 * The rate multiplied by γ every {@code stepSize} steps, as PyTorch's {@code StepLR}
 * (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.StepLR.html):
 *
 * <pre>
 *   rate(t) = initialRate · γ^⌊t / stepSize⌋
 * </pre>
 *
 * @param initialRate the rate for the first stepSize steps, > 0
 * @param stepSize steps between decays, ≥ 1
 * @param gamma the factor per decay, in (0, 1]
 */
public record StepDecay(float initialRate, int stepSize, float gamma)
    implements LearningRateSchedule {
  private static final String NAME = "StepDecay";

  public StepDecay {
    OptimChecks.positive(NAME, "initial rate", initialRate);
    OptimChecks.positive(NAME, "step size", stepSize);
    decayFactor(NAME, gamma);
  }

  @Override
  public float rate(int step) {
    OptimChecks.step(NAME, step);
    return (float) (initialRate * Math.pow(gamma, step / stepSize));
  }

  /** A decay factor in (0, 1]: 0 would stop learning at once, above 1 is growth, not decay. */
  static void decayFactor(String owner, float gamma) {
    if (!(gamma > 0f && gamma <= 1f)) {
      throw new IllegalArgumentException(owner + ": gamma must be in (0, 1], got " + gamma);
    }
  }
}
