package dev.lanes.layers.loss;

import static dev.lanes.layers.loss.SoftmaxCrossEntropyTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.Tensor;
import org.junit.jupiter.api.Test;

/** Hand-computed values, stability for huge logits, and every error message. */
class BinaryCrossEntropyWithLogitsTest {
  @Test
  void byHand() {
    // ℓ = max(z, 0) - z·t + log(1 + exp(-|z|)):
    //   z = 0,   t = 0.5: 0 - 0 + log 2               = 0.69314718
    //   z = 2,   t = 1:   2 - 2 + log(1 + e⁻²)        = 0.12692801
    //   z = -1,  t = 0:   0 - 0 + log(1 + e⁻¹)        = 0.31326169
    //   z = 100, t = 0:   100 - 0 + log(1 + e⁻¹⁰⁰)    = 100 (a confident wrong answer)
    // mean over M = 4: 101.13333688 / 4 = 25.28333422
    BinaryCrossEntropyWithLogits loss = new BinaryCrossEntropyWithLogits();
    Tensor z = Tensor.wrap(new float[] {0, 2, -1, 100}, 2, 2);
    Tensor t = Tensor.wrap(new float[] {0.5f, 1, 0, 0}, 2, 2);
    assertEquals(25.28333422f, loss.forward(z, t), 2e-6f);
    Tensor d = Tensor.zeros(2, 2);
    loss.backward(d);
    // (σ(z) - t)/4 with σ(0) = 0.5, σ(2) = 0.88079708, σ(-1) = 0.26894142, σ(100) = 1
    assertArrayEquals(new float[] {0, -0.02980073f, 0.06723536f, 0.25f}, d.toArray(), 1e-7f);
  }

  @Test
  void confidentRightAnswersCostNothingAndHugeLogitsStayFinite() {
    BinaryCrossEntropyWithLogits loss = new BinaryCrossEntropyWithLogits();
    // z = 50, t = 1 and z = -50, t = 0: ℓ = log(1 + e⁻⁵⁰) ≈ 2e-22 each, not a rounding of 50
    assertEquals(0f, loss.forward(Tensor.wrap(new float[] {50, -50}, 2),
        Tensor.wrap(new float[] {1, 0}, 2)), 1e-20f);
    // z = -1e4, t = 1: ℓ = 1e4 (log σ(z) would be log 0 = -Inf)
    assertEquals(1e4f, loss.forward(Tensor.wrap(new float[] {-1e4f}, 1),
        Tensor.wrap(new float[] {1}, 1)));
    Tensor d = Tensor.zeros(1);
    loss.backward(d);
    assertArrayEquals(new float[] {-1f}, d.toArray());
  }

  @Test
  void errorsNameTheLossAndTheSample() {
    BinaryCrossEntropyWithLogits loss = new BinaryCrossEntropyWithLogits();
    Tensor z = Tensor.zeros(3, 2);
    assertMessage("BinaryCrossEntropyWithLogits: target 1.5 at sample 1 (element 3) is outside"
        + " [0, 1]", () -> loss.forward(z, Tensor.wrap(new float[] {0, 1, 0, 1.5f, 0, 0}, 3, 2)));
    assertMessage("BinaryCrossEntropyWithLogits: target NaN at sample 2 (element 4) is outside"
        + " [0, 1]",
        () -> loss.forward(z, Tensor.wrap(new float[] {0, 1, 0, 1, Float.NaN, 0}, 3, 2)));
    assertMessage("BinaryCrossEntropyWithLogits: output (3, 2) and target (3) differ in shape;"
        + " they must match element for element", () -> loss.forward(z, Tensor.zeros(3)));
    assertMessage("BinaryCrossEntropyWithLogits: expected output (N, ...) with N ≥ 1, got ()",
        () -> loss.forward(Tensor.zeros(), Tensor.zeros()));
  }
}
