package dev.lanes.layers.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.layers.Param;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * An optimizer's saved state resumes training exactly: three steps, then a fresh optimizer
 * given the state of the first, then three more steps on both give the same bits as six
 * uninterrupted steps.
 */
class OptimizerStateTest {
  private static final Map<String, Supplier<Optimizer>> OPTIMIZERS = Map.of(
      "adam", () -> new Adam(Adam.Config.defaults().withWeightDecay(0.01f)),
      "adamw", AdamW::new,
      "sgd momentum nesterov", () -> new Sgd(Sgd.Config.nesterov(0.9f)),
      "rmsprop centered momentum", () -> new RmsProp(RmsProp.Config.defaults()
          .withCentered(true).withMomentum(0.5f)),
      "rmsprop", RmsProp::new);

  @Test
  void restoredStateResumesBitForBit() {
    OPTIMIZERS.forEach((name, make) -> {
      Param uninterrupted = param();
      Param resumed = param();
      Optimizer a = make.get();
      Optimizer b = make.get();
      for (int t = 0; t < 3; t++) {
        step(a, uninterrupted, t);
        step(b, resumed, t);
      }
      Optimizer fresh = make.get();
      ParamState saved = b.state(resumed);
      fresh.restoreState(resumed, saved);
      for (int t = 3; t < 6; t++) {
        step(a, uninterrupted, t);
        step(fresh, resumed, t);
      }
      assertArrayEquals(uninterrupted.value().toArray(), resumed.value().toArray(), name);
    });
  }

  @Test
  void stateUsesPyTorchsNamesAndIsACopy() {
    Param p = param();
    Adam adam = new Adam();
    assertNull(adam.state(p), "no state before the first step");
    step(adam, p, 0);
    step(adam, p, 1);
    ParamState s = adam.state(p);
    assertEquals(2, s.step());
    assertEquals(List.of("exp_avg", "exp_avg_sq"), List.copyOf(s.buffers().keySet()));
    s.buffers().get("exp_avg")[0] = 1e9f;
    assertTrue(adam.state(p).buffers().get("exp_avg")[0] != 1e9f, "a copy, not the live array");
    assertNull(new Sgd().state(p), "plain SGD keeps nothing");
  }

  @Test
  void restoringTheWrongStateNamesWhatIsWrong() {
    Param p = param();
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> new Adam().restoreState(p, new ParamState(3, Map.of("exp_avg", new float[7]))));
    assertTrue(missing.getMessage().contains("Adam: the state of weight has no 'exp_avg_sq'"),
        missing.getMessage());
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> new Sgd(Sgd.Config.momentum(0.9f)).restoreState(p,
            new ParamState(0, Map.of("momentum_buffer", new float[3]))));
    assertTrue(size.getMessage().contains("'momentum_buffer' of weight has 3 values but the"
        + " parameter has 7"), size.getMessage());
  }

  private static Param param() {
    Param p = new Param("weight", Shape.of(7));
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 7; i++) {
      p.value().data()[i] = (float) r.nextDouble(-1, 1);
    }
    return p;
  }

  /** One step with a gradient that depends on the step number and the weights. */
  private static void step(Optimizer o, Param p, int t) {
    p.zeroGrad();
    for (int i = 0; i < p.size(); i++) {
      p.grad().data()[i] = (float) Math.sin(t + i) + 0.3f * p.value().data()[i];
    }
    o.step(List.of(p), 0.05f);
  }
}
