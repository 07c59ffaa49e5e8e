package dev.lanes.layers.loss;

import static dev.lanes.layers.loss.SoftmaxCrossEntropyTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.Tensor;
import org.junit.jupiter.api.Test;

/** Hand-computed values and every error message. */
class MeanSquaredErrorTest {
  @Test
  void byHand() {
    // o - t = (1, 0, -2, 3); squares (1, 0, 4, 9) sum to 14; mean over all M = 4 elements: 3.5
    MeanSquaredError loss = new MeanSquaredError();
    Tensor o = Tensor.wrap(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor t = Tensor.wrap(new float[] {0, 2, 5, 1}, 2, 2);
    assertEquals(3.5f, loss.forward(o, t));
    Tensor d = Tensor.zeros(2, 2);
    loss.backward(d);
    // (2/M)(o - t) = (0.5, 0, -1, 1.5)
    assertArrayEquals(new float[] {0.5f, 0, -1, 1.5f}, d.toArray());
  }

  @Test
  void anyRankAveragesEveryElement() {
    // (N, C, H, W) = (1, 2, 1, 2): o - t = (1, 1, 1, 1) → mean 1, gradient 2/4 each
    MeanSquaredError loss = new MeanSquaredError();
    assertEquals(1f, loss.forward(Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 2, 1, 2),
        Tensor.wrap(new float[] {0, 1, 2, 3}, 1, 2, 1, 2)));
    Tensor d = Tensor.zeros(1, 2, 1, 2);
    loss.backward(d);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, d.toArray());
  }

  @Test
  void errorsNameTheLossAndTheSample() {
    MeanSquaredError loss = new MeanSquaredError();
    Tensor o = Tensor.zeros(4, 3);
    float[] t = new float[12];
    t[7] = Float.NaN; // row 2
    assertMessage("MeanSquaredError: target has NaN at sample 2 (element 7); targets must be"
        + " finite", () -> loss.forward(o, Tensor.wrap(t, 4, 3)));
    t[7] = 0;
    t[11] = Float.NEGATIVE_INFINITY;
    assertMessage("MeanSquaredError: target has -Infinity at sample 3 (element 11); targets must"
        + " be finite", () -> loss.forward(o, Tensor.wrap(t, 4, 3)));
    assertMessage("MeanSquaredError: output (4, 3) and target (4, 1) differ in shape; they must"
        + " match element for element", () -> loss.forward(o, Tensor.zeros(4, 1)));
    assertMessage("MeanSquaredError: expected output (N, ...) with N ≥ 1, got (0, 3)",
        () -> loss.forward(Tensor.zeros(0, 3), Tensor.zeros(0, 3)));
    loss.forward(o, Tensor.zeros(4, 3));
    assertMessage("MeanSquaredError: dOutput (12) does not match the output (4, 3) of the last"
        + " forward()", () -> loss.backward(Tensor.zeros(12)));
  }
}
