package dev.lanes.layers.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.core.Shape;
import dev.lanes.layers.Param;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every config and step argument is validated with a message naming the received value. */
class OptimizerValidationTest {
  static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  @Test
  void learningRates() {
    List<Param> params = List.of(new Param("weight", Shape.of(3)));
    assertMessage("Adam: learning rate must be ≥ 0 and finite, got -1.0",
        () -> new Adam().step(params, -1f));
    assertMessage("AdamW: learning rate must be ≥ 0 and finite, got NaN",
        () -> new AdamW().step(params, Float.NaN));
    assertMessage("Sgd: learning rate must be ≥ 0 and finite, got Infinity",
        () -> new Sgd().step(params, Float.POSITIVE_INFINITY));
    assertMessage("RmsProp: learning rate must be ≥ 0 and finite, got -0.5",
        () -> new RmsProp().step(params, -0.5f));
  }

  @Test
  void sgdConfig() {
    assertMessage("Sgd: momentum must be in [0, 1), got 1.0", () -> Sgd.Config.momentum(1f));
    assertMessage("Sgd: momentum must be in [0, 1), got -0.1", () -> Sgd.Config.momentum(-0.1f));
    assertMessage("Sgd: dampening must be in [0, 1], got 2.0",
        () -> Sgd.Config.momentum(0.9f).withDampening(2f));
    assertMessage("Sgd: weight decay must be ≥ 0 and finite, got -1.0E-4",
        () -> Sgd.Config.plain().withWeightDecay(-1e-4f));
    assertMessage("Sgd: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0.0"
        + " and dampening 0.0", () -> Sgd.Config.nesterov(0f));
    assertMessage("Sgd: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0.9"
        + " and dampening 0.1", () -> new Sgd.Config(0.9f, 0.1f, 0f, true));
  }

  @Test
  void adamConfigs() {
    assertMessage("Adam: beta1 must be in [0, 1), got 1.0",
        () -> new Adam.Config(1f, 0.999f, 1e-8f, 0f));
    assertMessage("Adam: beta2 must be in [0, 1), got NaN",
        () -> new Adam.Config(0.9f, Float.NaN, 1e-8f, 0f));
    assertMessage("Adam: eps must be > 0 and finite, got 0.0",
        () -> new Adam.Config(0.9f, 0.999f, 0f, 0f));
    assertMessage("AdamW: weight decay must be ≥ 0 and finite, got -0.01",
        () -> AdamW.Config.defaults().withWeightDecay(-0.01f));
    assertMessage("AdamW: beta1 must be in [0, 1), got -0.5",
        () -> new AdamW.Config(-0.5f, 0.999f, 1e-8f, 0f));
  }

  @Test
  void rmsPropConfig() {
    assertMessage("RmsProp: alpha must be in [0, 1), got 1.0",
        () -> new RmsProp.Config(1f, 1e-8f, 0f, 0f, false));
    assertMessage("RmsProp: eps must be > 0 and finite, got -1.0",
        () -> new RmsProp.Config(0.99f, -1f, 0f, 0f, false));
    assertMessage("RmsProp: momentum must be in [0, 1), got 1.5",
        () -> RmsProp.Config.defaults().withMomentum(1.5f));
    assertMessage("RmsProp: weight decay must be ≥ 0 and finite, got Infinity",
        () -> RmsProp.Config.defaults().withWeightDecay(Float.POSITIVE_INFINITY));
  }

  @Test
  void defaultsArePyTorchs() {
    assertEquals(new Adam.Config(0.9f, 0.999f, 1e-8f, 0f), new Adam().config());
    assertEquals(new AdamW.Config(0.9f, 0.999f, 1e-8f, 0.01f), new AdamW().config());
    assertEquals(new RmsProp.Config(0.99f, 1e-8f, 0f, 0f, false), new RmsProp().config());
    assertEquals(new Sgd.Config(0f, 0f, 0f, false), new Sgd().config());
  }
}
