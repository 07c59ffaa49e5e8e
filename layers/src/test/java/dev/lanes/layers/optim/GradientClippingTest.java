package dev.lanes.layers.optim;

import static dev.lanes.layers.optim.OptimizerValidationTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.Shape;
import dev.lanes.layers.Param;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Clipping by global norm and L2 regularisation, by hand. */
class GradientClippingTest {
  private static Param param(String name, float[] value, float[] grad) {
    Param p = new Param(name, Shape.of(value.length));
    System.arraycopy(value, 0, p.value().data(), 0, value.length);
    System.arraycopy(grad, 0, p.grad().data(), 0, grad.length);
    return p;
  }

  @Test
  void clipsTheGlobalNormNotEachTensor() {
    // gradients (3, 0) and (0, 4, 0): global norm √(9 + 16) = 5
    Param a = param("weight", new float[2], new float[] {3, 0});
    Param b = param("bias", new float[3], new float[] {0, 4, 0});
    assertEquals(5f, GradientClipping.clipByGlobalNorm(List.of(a, b), 1f));
    // scale 1 / (5 + 1e-6): (0.6, 0) and (0, 0.8, 0), norm 1 (to 2e-7)
    assertArrayEquals(new float[] {0.6f, 0}, a.grad().toArray(), 1e-6f);
    assertArrayEquals(new float[] {0, 0.8f, 0}, b.grad().toArray(), 1e-6f);
    assertEquals(1f, GradientClipping.clipByGlobalNorm(List.of(a, b), 1f), 1e-6f);
  }

  @Test
  void leavesSmallNormsAlone() {
    Param a = param("weight", new float[2], new float[] {0.3f, -0.4f});
    assertEquals(0.5f, GradientClipping.clipByGlobalNorm(List.of(a), 0.5f), 1e-7f);
    assertArrayEquals(new float[] {0.3f, -0.4f}, a.grad().toArray());
    assertEquals(0f, GradientClipping.clipByGlobalNorm(List.of(), 1f));
  }

  @Test
  void nonFiniteNormsAreReportedNotSpread() {
    Param a = param("weight", new float[2], new float[] {Float.POSITIVE_INFINITY, 1f});
    Param b = param("bias", new float[1], new float[] {2f});
    assertEquals(Float.POSITIVE_INFINITY, GradientClipping.clipByGlobalNorm(List.of(a, b), 1f));
    assertArrayEquals(new float[] {2f}, b.grad().toArray());
    a.grad().data()[0] = Float.NaN;
    assertEquals(Float.NaN, GradientClipping.clipByGlobalNorm(List.of(a, b), 1f));
    assertArrayEquals(new float[] {2f}, b.grad().toArray());
  }

  @Test
  void badMaxNorms() {
    assertMessage("clipByGlobalNorm: maxNorm must be > 0 and finite, got -1.0",
        () -> GradientClipping.clipByGlobalNorm(List.of(), -1f));
    assertMessage("clipByGlobalNorm: maxNorm must be > 0 and finite, got 0.0",
        () -> GradientClipping.clipByGlobalNorm(List.of(), 0f));
    assertMessage("clipByGlobalNorm: maxNorm must be > 0 and finite, got NaN",
        () -> GradientClipping.clipByGlobalNorm(List.of(), Float.NaN));
  }

  @Test
  void l2AddsLambdaTimesTheWeightToTheGradient() {
    // w = (1, -2), g = (0.5, 0.5), λ = 0.1: g + λw = (0.6, 0.3); penalty λ/2·(1 + 4) = 0.25
    Param a = param("weight", new float[] {1, -2}, new float[] {0.5f, 0.5f});
    L2Regularization.addGradient(List.of(a), 0.1f);
    assertArrayEquals(new float[] {0.6f, 0.3f}, a.grad().toArray(), 1e-7f);
    assertArrayEquals(new float[] {1, -2}, a.value().toArray());
    assertEquals(0.25, L2Regularization.penalty(List.of(a), 0.1f), 1e-7);
    L2Regularization.addGradient(List.of(a), 0f);
    assertArrayEquals(new float[] {0.6f, 0.3f}, a.grad().toArray(), 1e-7f);
    assertMessage("L2Regularization: lambda must be ≥ 0 and finite, got -0.1",
        () -> L2Regularization.addGradient(List.of(a), -0.1f));
  }

  @Test
  void l2WithPlainSgdIsSgdsWeightDecay() {
    float[] w = {1, -2, 0.5f};
    float[] g = {0.3f, 0.1f, -0.7f};
    Param viaHelper = param("weight", w, g);
    Param viaConfig = param("weight", w, g);
    L2Regularization.addGradient(List.of(viaHelper), 0.05f);
    new Sgd().step(List.of(viaHelper), 0.1f);
    new Sgd(Sgd.Config.plain().withWeightDecay(0.05f)).step(List.of(viaConfig), 0.1f);
    assertArrayEquals(viaConfig.value().toArray(), viaHelper.value().toArray(), 1e-6f);
  }
}
