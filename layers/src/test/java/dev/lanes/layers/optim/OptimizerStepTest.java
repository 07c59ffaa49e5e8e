package dev.lanes.layers.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lanes.core.Shape;
import dev.lanes.layers.Param;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two steps of every optimizer, worked out by hand from PyTorch's formulas. Every case starts
 * from w = (1, -2) and takes gradients g1 = (0.5, -1) then g2 = (0.1, 0.2).
 */
class OptimizerStepTest {
  private static final float[] G1 = {0.5f, -1f};
  private static final float[] G2 = {0.1f, 0.2f};

  /** Runs two steps with learning rate lr and returns w after each. */
  private static float[][] twoSteps(Optimizer opt, float lr) {
    Param p = new Param("weight", Shape.of(2));
    p.value().data()[0] = 1f;
    p.value().data()[1] = -2f;
    float[][] after = new float[2][];
    float[][] grads = {G1, G2};
    for (int t = 0; t < 2; t++) {
      p.zeroGrad();
      System.arraycopy(grads[t], 0, p.grad().data(), 0, 2);
      opt.step(List.of(p), lr);
      after[t] = p.value().toArray();
      assertArrayEquals(grads[t], p.grad().toArray(), "the gradient is only read");
    }
    return after;
  }

  private static void assertSteps(float[] first, float[] second, float[][] actual, float tol) {
    assertArrayEquals(first, actual[0], tol, "after step 1");
    assertArrayEquals(second, actual[1], tol, "after step 2");
  }

  @Test
  void plainSgd() {
    // w ← w - lr·g, lr 0.1: (1, -2) - (0.05, -0.1) = (0.95, -1.9); then - (0.01, 0.02)
    assertSteps(new float[] {0.95f, -1.9f}, new float[] {0.94f, -1.92f},
        twoSteps(new Sgd(), 0.1f), 1e-6f);
  }

  @Test
  void sgdWithMomentumAndWeightDecay() {
    // μ 0.9, λ 0.1, lr 0.1
    // t=1: g' = g1 + λ·w = (0.5 + 0.1, -1 - 0.2) = (0.6, -1.2); b = g' (no dampening at t=1)
    //      w = (1, -2) - 0.1·(0.6, -1.2) = (0.94, -1.88)
    // t=2: g' = (0.1 + 0.094, 0.2 - 0.188) = (0.194, 0.012)
    //      b = 0.9·(0.6, -1.2) + (0.194, 0.012) = (0.734, -1.068)
    //      w = (0.94 - 0.0734, -1.88 + 0.1068) = (0.8666, -1.7732)
    assertSteps(new float[] {0.94f, -1.88f}, new float[] {0.8666f, -1.7732f},
        twoSteps(new Sgd(Sgd.Config.momentum(0.9f).withWeightDecay(0.1f)), 0.1f), 1e-6f);
  }

  @Test
  void sgdWithDampening() {
    // μ 0.9, τ 0.5, lr 0.1
    // t=1: b = g1 = (0.5, -1) (PyTorch does not damp the first step); w = (0.95, -1.9)
    // t=2: b = 0.9·(0.5, -1) + 0.5·(0.1, 0.2) = (0.5, -0.8); w = (0.95 - 0.05, -1.9 + 0.08)
    assertSteps(new float[] {0.95f, -1.9f}, new float[] {0.9f, -1.82f},
        twoSteps(new Sgd(Sgd.Config.momentum(0.9f).withDampening(0.5f)), 0.1f), 1e-6f);
  }

  @Test
  void sgdWithNesterov() {
    // μ 0.9, lr 0.1
    // t=1: b = g1 = (0.5, -1); step g1 + μ·b = (0.95, -1.9); w = (1 - 0.095, -2 + 0.19)
    // t=2: b = 0.9·(0.5, -1) + (0.1, 0.2) = (0.55, -0.7)
    //      step g2 + μ·b = (0.1 + 0.495, 0.2 - 0.63) = (0.595, -0.43)
    //      w = (0.905 - 0.0595, -1.81 + 0.043) = (0.8455, -1.767)
    assertSteps(new float[] {0.905f, -1.81f}, new float[] {0.8455f, -1.767f},
        twoSteps(new Sgd(Sgd.Config.nesterov(0.9f)), 0.1f), 1e-6f);
  }

  @Test
  void sgdWithNesterovAndWeightDecay() {
    // μ 0.9, λ 0.1, lr 0.1
    // t=1: g' = (0.6, -1.2); b = g'; step g' + μ·b = (1.14, -2.28); w = (0.886, -1.772)
    // t=2: g' = (0.1 + 0.0886, 0.2 - 0.1772) = (0.1886, 0.0228)
    //      b = 0.9·(0.6, -1.2) + g' = (0.7286, -1.0572)
    //      step g' + μ·b = (0.1886 + 0.65574, 0.0228 - 0.95148) = (0.84434, -0.92868)
    //      w = (0.886 - 0.084434, -1.772 + 0.092868) = (0.801566, -1.679132)
    assertSteps(new float[] {0.886f, -1.772f}, new float[] {0.801566f, -1.679132f},
        twoSteps(new Sgd(Sgd.Config.nesterov(0.9f).withWeightDecay(0.1f)), 0.1f), 1e-6f);
  }

  @Test
  void adam() {
    // β (0.9, 0.999), ε 1e-8, lr 0.1
    // t=1: m = 0.1·g1 = (0.05, -0.1); v = 0.001·g1² = (0.00025, 0.001)
    //      m̂ = m/0.1 = g1; v̂ = v/0.001 = g1²; m̂/√v̂ = sign(g1) = (1, -1) (ε negligible)
    //      w = (1, -2) - 0.1·(1, -1) = (0.9, -1.9)
    // t=2: m = 0.9·(0.05, -0.1) + 0.1·(0.1, 0.2) = (0.055, -0.07)
    //      v = 0.999·(0.00025, 0.001) + 0.001·(0.01, 0.04) = (0.00025975, 0.001039)
    //      m̂ = m/(1 - 0.81) = (0.28947368, -0.36842105)
    //      v̂ = v/(1 - 0.998001) = (0.12993997, 0.51975988); √v̂ = (0.36047187, 0.72094374)
    //      w = (0.9 - 0.1·0.80304089, -1.9 + 0.1·0.51102613) = (0.81969591, -1.84889739)
    assertSteps(new float[] {0.9f, -1.9f}, new float[] {0.81969591f, -1.84889739f},
        twoSteps(new Adam(), 0.1f), 2e-6f);
  }

  @Test
  void adamWithL2WeightDecay() {
    // λ 0.1 added to the gradient, lr 0.1
    // t=1: g' = (0.6, -1.2); m̂/√v̂ = sign(g') = (1, -1); w = (0.9, -1.9)
    // t=2: g' = (0.1 + 0.09, 0.2 - 0.19) = (0.19, 0.01)
    //      m = 0.9·(0.06, -0.12) + 0.1·(0.19, 0.01) = (0.073, -0.107)
    //      v = 0.999·(0.00036, 0.00144) + 0.001·(0.0361, 0.0001) = (0.00039574, 0.00143866)
    //      m̂ = m/0.19 = (0.38421053, -0.56315789); v̂ = v/0.001999 = (0.19796898, 0.71968984)
    //      w = (0.9 - 0.1·0.86352, -1.9 + 0.1·0.66383) = (0.81364835, -1.83361691)
    assertSteps(new float[] {0.9f, -1.9f}, new float[] {0.81364835f, -1.83361691f},
        twoSteps(new Adam(Adam.Config.defaults().withWeightDecay(0.1f)), 0.1f), 2e-6f);
  }

  @Test
  void adamW() {
    // λ 0.1 decoupled, lr 0.1: each step first w ← w·(1 - lr·λ) = w·0.99, then Adam's step,
    // which is the same as plain Adam's because the decay never enters m and v:
    // t=1: w = (0.99, -1.98) - 0.1·(1, -1) = (0.89, -1.88)
    // t=2: w = (0.8811, -1.8612) - 0.1·(0.80304089, -0.51102613) = (0.80079591, -1.81009739)
    assertSteps(new float[] {0.89f, -1.88f}, new float[] {0.80079591f, -1.81009739f},
        twoSteps(new AdamW(AdamW.Config.defaults().withWeightDecay(0.1f)), 0.1f), 2e-6f);
  }

  @Test
  void rmsProp() {
    // α 0.99, ε 1e-8, lr 0.01
    // t=1: v = 0.01·g1² = (0.0025, 0.01); √v = (0.05, 0.1); g/√v = (10, -10); w = (0.9, -1.9)
    // t=2: v = 0.99·(0.0025, 0.01) + 0.01·(0.01, 0.04) = (0.002575, 0.0103)
    //      √v = (0.05074446, 0.10148892); g2/√v = (1.97065912, 1.97065912)
    //      w = (0.9 - 0.01970659, -1.9 - 0.01970659) = (0.88029341, -1.91970659)
    assertSteps(new float[] {0.9f, -1.9f}, new float[] {0.88029341f, -1.91970659f},
        twoSteps(new RmsProp(), 0.01f), 2e-6f);
  }

  @Test
  void rmsPropWithMomentum() {
    // μ 0.9: b = g/√v; t=1: b = (10, -10), w = (0.9, -1.9)
    // t=2: b = 0.9·(10, -10) + (1.97065912, 1.97065912) = (10.97065912, -7.02934088)
    //      w = (0.9 - 0.10970659, -1.9 + 0.07029341) = (0.79029341, -1.82970659)
    assertSteps(new float[] {0.9f, -1.9f}, new float[] {0.79029341f, -1.82970659f},
        twoSteps(new RmsProp(RmsProp.Config.defaults().withMomentum(0.9f)), 0.01f), 2e-6f);
  }

  @Test
  void rmsPropCentered() {
    // ḡ = 0.01·g1 = (0.005, -0.01); v = (0.0025, 0.01)
    // t=1: a = √(v - ḡ²) = √(0.002475, 0.0099) = (0.04974937, 0.09949874)
    //      w = (1, -2) - 0.01·(0.5/0.04974937, -1/0.09949874) = (0.89949622, -1.89949622)
    // t=2: ḡ = 0.99·ḡ + 0.01·(0.1, 0.2) = (0.00595, -0.0079); v = (0.002575, 0.0103)
    //      a = √(0.002575 - 0.0000354025, 0.0103 - 0.00006241) = (0.05039442, 0.10118098)
    //      w = (0.89949622 - 0.01·1.98434..., -1.89949622 - 0.01·1.97665...)
    //        = (0.87965278, -1.91926279)
    assertSteps(new float[] {0.89949624f, -1.89949623f}, new float[] {0.87965278f, -1.91926279f},
        twoSteps(new RmsProp(RmsProp.Config.defaults().withCentered(true)), 0.01f), 2e-6f);
  }

  @Test
  void aZeroRateLeavesTheWeights() {
    for (Optimizer opt : new Optimizer[] {new Sgd(Sgd.Config.nesterov(0.9f)), new Adam(),
        new AdamW(), new RmsProp(RmsProp.Config.defaults().withMomentum(0.5f))}) {
      float[][] after = twoSteps(opt, 0f);
      assertArrayEquals(new float[] {1f, -2f}, after[1], opt.getClass().getSimpleName());
    }
  }

  @Test
  void stateIsPerParameter() {
    // Adam's first step moves each weight by lr·sign(g) whatever came before for another Param
    Adam adam = new Adam();
    Param a = new Param("a", Shape.of(1));
    Param b = new Param("b", Shape.of(1));
    a.grad().data()[0] = 3f;
    adam.step(List.of(a), 0.1f);
    adam.step(List.of(a), 0.1f);
    b.grad().data()[0] = -0.01f;
    adam.step(List.of(a, b), 0.1f);
    assertArrayEquals(new float[] {0.1f}, b.value().toArray(), 1e-6f);
  }
}
