package dev.lanes.layers.optim;

/**
 * The rate multiplied by γ every step, as PyTorch's {@code ExponentialLR}
 * (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.ExponentialLR.html):
 *
 * <pre>
 *   rate(t) = initialRate · γ^t
 * </pre>
 *
 * @param initialRate the rate at step 0, > 0
 * @param gamma the factor per step, in (0, 1]
 */
public record ExponentialDecay(float initialRate, float gamma) implements LearningRateSchedule {
  private static final String NAME = "ExponentialDecay";

  public ExponentialDecay {
    OptimChecks.positive(NAME, "initial rate", initialRate);
    StepDecay.decayFactor(NAME, gamma);
  }

  @Override
  public float rate(int step) {
    OptimChecks.step(NAME, step);
    return (float) (initialRate * Math.pow(gamma, step));
  }
}
