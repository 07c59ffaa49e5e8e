package dev.lanes.layers.optim;

import static dev.lanes.layers.optim.OptimizerValidationTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Every schedule pinned by hand, and every validation. */
class LearningRateScheduleTest {
  @Test
  void stepDecay() {
    // 0.1 · 0.5^⌊t/3⌋: t 0..2 → 0.1, 3..5 → 0.05, 6 → 0.025
    StepDecay s = new StepDecay(0.1f, 3, 0.5f);
    assertEquals(0.1f, s.rate(0));
    assertEquals(0.1f, s.rate(2));
    assertEquals(0.05f, s.rate(3));
    assertEquals(0.05f, s.rate(5));
    assertEquals(0.025f, s.rate(6));
    assertEquals(0.1f * (float) Math.pow(0.5, 10), s.rate(30), 1e-12f);
  }

  @Test
  void exponentialDecay() {
    // 0.1 · 0.9^t: 0.1, 0.09, 0.081, ...; 0.9^10 = 0.34867844
    ExponentialDecay s = new ExponentialDecay(0.1f, 0.9f);
    assertEquals(0.1f, s.rate(0));
    assertEquals(0.09f, s.rate(1), 1e-8f);
    assertEquals(0.081f, s.rate(2), 1e-8f);
    // (float) 0.9 is 0.89999998, and its 10th power is 3e-7 smaller in relative terms
    assertEquals(0.034867844f, s.rate(10), 2e-8f);
  }

  @Test
  void cosineAnnealing() {
    // 0.01 + (0.1 - 0.01)·(1 + cos(π t/4))/2 for t ≤ 4, then 0.01
    CosineAnnealing s = new CosineAnnealing(0.1f, 4, 0.01f);
    assertEquals(0.1f, s.rate(0));
    // t = 1: cos(π/4) = 0.70710678 → 0.01 + 0.09·0.85355339 = 0.08681981
    assertEquals(0.08681981f, s.rate(1), 1e-8f);
    assertEquals(0.055f, s.rate(2), 1e-8f); // cos(π/2) = 0: half way
    // t = 3: cos(3π/4) = -0.70710678 → 0.01 + 0.09·0.14644661 = 0.02318019
    assertEquals(0.02318019f, s.rate(3), 1e-8f);
    assertEquals(0.01f, s.rate(4));
    assertEquals(0.01f, s.rate(1000), "held at the minimum after the descent");
    assertEquals(0f, new CosineAnnealing(0.1f, 4).rate(4));
  }

  @Test
  void linearWarmupThenTheWrappedScheduleFromItsStart() {
    // warm-up of 4 steps from 0.25·0.1 to 0.1, then StepDecay(0.1, 2, 0.5) from its step 0
    LinearWarmup s = new LinearWarmup(new StepDecay(0.1f, 2, 0.5f), 4, 0.25f);
    // 0.1·(0.25 + 0.75·t/4): 0.025, 0.04375, 0.0625, 0.08125
    assertEquals(0.025f, s.rate(0), 1e-8f);
    assertEquals(0.04375f, s.rate(1), 1e-8f);
    assertEquals(0.0625f, s.rate(2), 1e-8f);
    assertEquals(0.08125f, s.rate(3), 1e-8f);
    assertEquals(0.1f, s.rate(4)); // after.rate(0)
    assertEquals(0.1f, s.rate(5)); // after.rate(1)
    assertEquals(0.05f, s.rate(6)); // after.rate(2)
  }

  @Test
  void constant() {
    assertEquals(0.3f, LearningRateSchedule.constant(0.3f).rate(12345));
  }

  @Test
  void validation() {
    assertMessage("StepDecay: initial rate must be > 0 and finite, got 0.0",
        () -> new StepDecay(0f, 3, 0.5f));
    assertMessage("StepDecay: step size must be ≥ 1, got 0", () -> new StepDecay(0.1f, 0, 0.5f));
    assertMessage("StepDecay: gamma must be in (0, 1], got 1.5",
        () -> new StepDecay(0.1f, 3, 1.5f));
    assertMessage("ExponentialDecay: gamma must be in (0, 1], got 0.0",
        () -> new ExponentialDecay(0.1f, 0f));
    assertMessage("ExponentialDecay: initial rate must be > 0 and finite, got NaN",
        () -> new ExponentialDecay(Float.NaN, 0.9f));
    assertMessage("CosineAnnealing: minimum rate must be in [0, initial rate 0.1], got 0.2",
        () -> new CosineAnnealing(0.1f, 10, 0.2f));
    assertMessage("CosineAnnealing: steps must be ≥ 1, got -5",
        () -> new CosineAnnealing(0.1f, -5));
    assertMessage("LinearWarmup: start factor must be in (0, 1], got 0.0",
        () -> new LinearWarmup(LearningRateSchedule.constant(0.1f), 10, 0f));
    assertMessage("LinearWarmup: warm-up steps must be ≥ 1, got 0",
        () -> new LinearWarmup(LearningRateSchedule.constant(0.1f), 0, 0.5f));
    assertEquals("LinearWarmup: the schedule after the warm-up is null",
        assertThrows(NullPointerException.class, () -> new LinearWarmup(null, 10, 0.5f))
            .getMessage());
    assertMessage("Constant: rate must be > 0 and finite, got -1.0",
        () -> LearningRateSchedule.constant(-1f));
    assertMessage("StepDecay: step must be ≥ 0, got -1",
        () -> new StepDecay(0.1f, 3, 0.5f).rate(-1));
    assertMessage("LinearWarmup: step must be ≥ 0, got -2",
        () -> new LinearWarmup(LearningRateSchedule.constant(0.1f), 3, 0.5f).rate(-2));
  }
}
