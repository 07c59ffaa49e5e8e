package dev.lanes.layers.optim;

/**
 * Half a cosine from the initial rate down to a minimum over {@code steps} steps, then the
 * minimum, as PyTorch's {@code CosineAnnealingLR} over its first T_max steps
 * (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html):
 *
 * <pre>
 *   rate(t) = minRate + (initialRate - minRate) · (1 + cos(π·t / steps)) / 2     for t ≤ steps
 *   rate(t) = minRate                                                             for t > steps
 * </pre>
 *
 * <p>PyTorch's closed form keeps following the cosine past T_max, back up to the initial rate;
 * holding the minimum is what a schedule sized to the training run is meant to do.
 *
 * @param initialRate the rate at step 0, > 0
 * @param steps the length of the descent, ≥ 1
 * @param minRate the final rate, in [0, initialRate]
 */
public record CosineAnnealing(float initialRate, int steps, float minRate)
    implements LearningRateSchedule {
  private static final String NAME = "CosineAnnealing";

  public CosineAnnealing {
    OptimChecks.positive(NAME, "initial rate", initialRate);
    OptimChecks.positive(NAME, "steps", steps);
    if (!(minRate >= 0f && minRate <= initialRate)) {
      throw new IllegalArgumentException(NAME + ": minimum rate must be in [0, initial rate "
          + initialRate + "], got " + minRate);
    }
  }

  /** Down to 0. */
  public CosineAnnealing(float initialRate, int steps) {
    this(initialRate, steps, 0f);
  }

  @Override
  public float rate(int step) {
    OptimChecks.step(NAME, step);
    if (step >= steps) {
      return minRate;
    }
    double cosine = (1 + Math.cos(Math.PI * step / steps)) / 2;
    return (float) (minRate + ((double) initialRate - minRate) * cosine);
  }
}
