package dev.lanes.layers.optim;

/**
 * Front-door checks for optimizers, schedules and their configs. Messages name the owner and the
 * received value, and are only built when a check fails.
 */
final class OptimChecks {
  private OptimChecks() {}

  /** A learning rate passed to a step: ≥ 0 (0 is a no-op step, which a schedule may reach). */
  static void learningRate(String owner, float lr) {
    if (!(lr >= 0f && lr < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          owner + ": learning rate must be ≥ 0 and finite, got " + lr);
    }
  }

  /** A value in [0, 1): decay rates such as momentum and the betas. */
  static void unitOpen(String owner, String name, float value) {
    if (!(value >= 0f && value < 1f)) {
      throw new IllegalArgumentException(owner + ": " + name + " must be in [0, 1), got " + value);
    }
  }

  /** A value in [0, 1]. */
  static void unitClosed(String owner, String name, float value) {
    if (!(value >= 0f && value <= 1f)) {
      throw new IllegalArgumentException(owner + ": " + name + " must be in [0, 1], got " + value);
    }
  }

  static void nonNegative(String owner, String name, float value) {
    if (!(value >= 0f && value < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          owner + ": " + name + " must be ≥ 0 and finite, got " + value);
    }
  }

  static void positive(String owner, String name, float value) {
    if (!(value > 0f && value < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          owner + ": " + name + " must be > 0 and finite, got " + value);
    }
  }

  static void positive(String owner, String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(owner + ": " + name + " must be ≥ 1, got " + value);
    }
  }

  /** A schedule's step index. */
  static void step(String owner, int step) {
    if (step < 0) {
      throw new IllegalArgumentException(owner + ": step must be ≥ 0, got " + step);
    }
  }
}
