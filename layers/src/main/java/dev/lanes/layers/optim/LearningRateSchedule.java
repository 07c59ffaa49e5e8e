package dev.lanes.layers.optim;

/**
 * The learning rate as a function of a step counter t = 0, 1, 2, ... that the training loop
 * advances: once per epoch (as PyTorch's StepLR is usually driven) or once per batch (as warm-up
 * usually is); the schedule does not care which, and its sizes (step size, period, warm-up
 * length) are in the same unit.
 *
 * <pre>{@code
 * LearningRateSchedule schedule =
 *     new LinearWarmup(new CosineAnnealing(1e-3f, 9_000, 0f), 1_000, 0.01f);
 * optimizer.step(params, schedule.rate(globalStep));
 * }</pre>
 *
 * <p>One counter rather than (epoch, step in epoch): schedules then compose (a warm-up wraps any
 * schedule) without each one deciding which of two counters it reads. Schedules are immutable,
 * validated records, so they can be written to a model's configuration and read back.
 */
public interface LearningRateSchedule {
  /**
   * The learning rate for step t: finite and ≥ 0.
   *
   * @throws IllegalArgumentException if t is negative
   */
  float rate(int step);

  /** The same rate at every step. */
  static LearningRateSchedule constant(float rate) {
    return new Constant(rate);
  }

  /** A constant rate, > 0 and finite. */
  record Constant(float rate) implements LearningRateSchedule {
    public Constant {
      OptimChecks.positive("Constant", "rate", rate);
    }

    @Override
    public float rate(int step) {
      OptimChecks.step("Constant", step);
      return rate;
    }
  }
}
