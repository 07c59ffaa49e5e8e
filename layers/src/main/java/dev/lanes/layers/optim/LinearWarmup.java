package dev.lanes.layers.optim;

import java.util.Objects;

/**
 * A linear warm-up before another schedule: the rate rises from {@code startFactor} times the
 * schedule's first rate to that rate over {@code warmupSteps} steps, then the schedule runs,
 * starting from its own step 0:
 *
 * <pre>
 *   rate(t) = after.rate(0) · (s + (1 - s) · t / W)     for t < W
 *   rate(t) = after.rate(t - W)                          for t ≥ W
 * </pre>
 *
 * <p>The warm-up is PyTorch's {@code LinearLR(start_factor=s, total_iters=W)} and the hand-over
 * that of {@code SequentialLR(milestones=[W])}
 * (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.LinearLR.html). Starting
 * the wrapped schedule at its own step 0 keeps it intact: a cosine of 9000 steps after 1000
 * warm-up steps still ends at step 10000.
 *
 * @param after the schedule that follows
 * @param warmupSteps W ≥ 1
 * @param startFactor s in (0, 1], as PyTorch's LinearLR (a rate of 0 would waste the first step)
 */
public record LinearWarmup(LearningRateSchedule after, int warmupSteps, float startFactor)
    implements LearningRateSchedule {
  private static final String NAME = "LinearWarmup";

  public LinearWarmup {
    Objects.requireNonNull(after, NAME + ": the schedule after the warm-up is null");
    OptimChecks.positive(NAME, "warm-up steps", warmupSteps);
    if (!(startFactor > 0f && startFactor <= 1f)) {
      throw new IllegalArgumentException(
          NAME + ": start factor must be in (0, 1], got " + startFactor);
    }
  }

  @Override
  public float rate(int step) {
    OptimChecks.step(NAME, step);
    if (step >= warmupSteps) {
      return after.rate(step - warmupSteps);
    }
    double factor = startFactor + (1.0 - startFactor) * step / warmupSteps;
    return (float) (after.rate(0) * factor);
  }
}
