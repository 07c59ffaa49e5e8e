package dev.lanes.layers.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import org.junit.jupiter.api.Test;

/** Hand-computed values, stability for huge logits, and every error message. */
class SoftmaxCrossEntropyTest {
  // For z = (1, 2, 3): Σ exp(z) = e³·(1 + e⁻¹ + e⁻²), so
  //   log p = z - 3 - log(1 + e⁻¹ + e⁻²) = z - 3.40760596
  //         = (-2.40760596, -1.40760596, -0.40760596)
  //   p     = (e⁻², e⁻¹, 1) / 1.50321472 = (0.09003057, 0.24472847, 0.66524096)
  private static final float[] P = {0.09003057f, 0.24472847f, 0.66524096f};

  @Test
  void twoSamplesByHand() {
    Tensor logits = Tensor.wrap(new float[] {1, 2, 3, 1, 2, 3}, 2, 3);
    Tensor labels = Tensor.wrap(new float[] {2, 0}, 2);
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    // sample 0: -log p[2] = 0.40760596; sample 1: -log p[0] = 2.40760596; mean 1.40760596
    assertEquals(1.40760596f, loss.forward(logits, labels), 1e-6f);
    Tensor d = Tensor.zeros(2, 3);
    loss.backward(d);
    // (p - onehot) / N, N = 2
    float[] expected = {
        P[0] / 2, P[1] / 2, (P[2] - 1) / 2,   // (0.04501529, 0.12236424, -0.16737952)
        (P[0] - 1) / 2, P[1] / 2, P[2] / 2};  // (-0.45498471, 0.12236424, 0.33262048)
    assertArrayEquals(expected, d.toArray(), 1e-6f);
  }

  @Test
  void labelSmoothingByHand() {
    // ε = 0.3, C = 3, label 2: q = (1 - ε)·onehot + ε/C = (0.1, 0.1, 0.8)
    // loss = -Σ q log p = 0.1·2.40760596 + 0.1·1.40760596 + 0.8·0.40760596 = 0.70760596
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(0.3f);
    assertEquals(0.70760596f,
        loss.forward(Tensor.wrap(new float[] {1, 2, 3}, 1, 3), Tensor.wrap(new float[] {2}, 1)),
        1e-6f);
    Tensor d = Tensor.zeros(1, 3);
    loss.backward(d);
    // p - q = (-0.00996943, 0.14472847, -0.13475904)
    assertArrayEquals(new float[] {P[0] - 0.1f, P[1] - 0.1f, P[2] - 0.8f}, d.toArray(), 1e-6f);
  }

  @Test
  void hugeLogitsStayFinite() {
    // log p = z - max - log Σ exp(z - max): for (1000, 0) that is (0, -1000) to float precision
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    Tensor logits = Tensor.wrap(new float[] {1000, 0, -1000, 0}, 2, 2);
    assertEquals((0 + 1000) / 2f, loss.forward(logits, Tensor.wrap(new float[] {0, 0}, 2)), 1e-3f);
    Tensor d = Tensor.zeros(2, 2);
    loss.backward(d);
    // p = (1, 0) and (0, 1): gradients (0, 0) and (-1/2, 1/2)
    assertArrayEquals(new float[] {0, 0, -0.5f, 0.5f}, d.toArray(), 1e-6f);
  }

  @Test
  void readsTensorsAtAnOffsetAndLeavesThemAlone() {
    float[] big = {9, 9, 1, 2, 3, 1, 2, 3};
    Tensor logits = new Tensor(big, 2, Shape.of(2, 3));
    Tensor labels = new Tensor(new float[] {7, 2, 0}, 1, Shape.of(2));
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    assertEquals(1.40760596f, loss.forward(logits, labels), 1e-6f);
    float[] dBig = new float[10];
    loss.backward(new Tensor(dBig, 3, Shape.of(2, 3)));
    assertEquals(0f, dBig[2]);
    assertEquals(P[0] / 2, dBig[3], 1e-6f);
    assertEquals(P[2] / 2, dBig[8], 1e-6f);
    assertEquals(0f, dBig[9]);
    assertArrayEquals(new float[] {9, 9, 1, 2, 3, 1, 2, 3}, big);
  }

  @Test
  void aSmallerBatchAfterALargerOneUsesOnlyItsOwnRows() {
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    loss.forward(Tensor.wrap(new float[] {5, 5, 5, 5, 5, 5, 5, 5, 5}, 3, 3),
        Tensor.wrap(new float[] {1, 1, 1}, 3));
    assertEquals(0.40760596f,
        loss.forward(Tensor.wrap(new float[] {1, 2, 3}, 1, 3), Tensor.wrap(new float[] {2}, 1)),
        1e-6f);
    Tensor d = Tensor.zeros(1, 3);
    loss.backward(d);
    assertArrayEquals(new float[] {P[0], P[1], P[2] - 1}, d.toArray(), 1e-6f);
  }

  @Test
  void badLabelsNameTheSample() {
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    Tensor logits = Tensor.zeros(4, 10);
    assertMessage("SoftmaxCrossEntropy: label 12.0 of sample 3 is outside [0, 10)",
        () -> loss.forward(logits, Tensor.wrap(new float[] {0, 1, 2, 12}, 4)));
    assertMessage("SoftmaxCrossEntropy: label -1.0 of sample 0 is outside [0, 10)",
        () -> loss.forward(logits, Tensor.wrap(new float[] {-1, 1, 2, 3}, 4)));
    assertMessage("SoftmaxCrossEntropy: label of sample 1 is NaN",
        () -> loss.forward(logits, Tensor.wrap(new float[] {0, Float.NaN, 2, 3}, 4)));
    assertMessage("SoftmaxCrossEntropy: label 2.5 of sample 2 is not a whole number; labels are"
        + " class indices",
        () -> loss.forward(logits, Tensor.wrap(new float[] {0, 1, 2.5f, 3}, 4)));
    assertMessage("SoftmaxCrossEntropy: label Infinity of sample 0 is outside [0, 10)",
        () -> loss.forward(logits,
            Tensor.wrap(new float[] {Float.POSITIVE_INFINITY, 1, 2, 3}, 4)));
  }

  @Test
  void badShapesNameBothSides() {
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    assertMessage("SoftmaxCrossEntropy: expected labels (4) for logits (4, 10), got labels (5);"
            + " labels are class indices stored as whole floats, one per sample",
        () -> loss.forward(Tensor.zeros(4, 10), Tensor.zeros(5)));
    assertMessage("SoftmaxCrossEntropy: expected labels (4) for logits (4, 10), got labels (4, 10);"
            + " labels are class indices stored as whole floats, one per sample",
        () -> loss.forward(Tensor.zeros(4, 10), Tensor.zeros(4, 10)));
    assertMessage("SoftmaxCrossEntropy: expected logits (N, C) with N, C ≥ 1, got (4, 1, 10);"
        + " flatten the output first", () -> loss.forward(Tensor.zeros(4, 1, 10), Tensor.zeros(4)));
    assertMessage("SoftmaxCrossEntropy: expected logits (N, C) with N, C ≥ 1, got (0, 10)",
        () -> loss.forward(Tensor.zeros(0, 10), Tensor.zeros(0)));
  }

  @Test
  void badSmoothingAndCallOrder() {
    assertMessage("SoftmaxCrossEntropy: label smoothing must be in [0, 1], got 1.5",
        () -> new SoftmaxCrossEntropy(1.5f));
    assertMessage("SoftmaxCrossEntropy: label smoothing must be in [0, 1], got NaN",
        () -> new SoftmaxCrossEntropy(Float.NaN));
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> loss.backward(Tensor.zeros(2, 3)));
    assertEquals("SoftmaxCrossEntropy: backward() called before forward()", e.getMessage());
    loss.forward(Tensor.zeros(2, 3), Tensor.zeros(2));
    assertMessage("SoftmaxCrossEntropy: dOutput (3, 2) does not match the output (2, 3) of the"
        + " last forward()", () -> loss.backward(Tensor.zeros(3, 2)));
  }

  static void assertMessage(String expected, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertEquals(expected, e.getMessage());
  }
}
