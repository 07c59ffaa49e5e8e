package dev.lanes.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Saturation, overflow and NaN, for both providers: what a training run meets at its edges. */
class SpecialValuesTest {
  static Stream<KernelProvider> providers() {
    return Stream.of(KernelProvider.scalar(), KernelProvider.simd());
  }

  /** Long enough that the SIMD kernels run whole vectors and a masked tail. */
  private static float[] repeat(float v) {
    float[] a = new float[37];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @ParameterizedTest
  @MethodSource("providers")
  void sigmoidSaturatesWithoutNaN(KernelProvider p) {
    float[] out = new float[37];
    p.activations().sigmoid(out, 0, repeat(100f), 0, 37);
    for (float v : out) {
      assertEquals(1f, v);
    }
    p.activations().sigmoid(out, 0, repeat(-100f), 0, 37);
    for (float v : out) {
      assertTrue(v >= 0 && v < 1e-43f, "sigmoid(-100) = " + v);
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void tanhSaturatesToExactlyOne(KernelProvider p) {
    float[] out = new float[37];
    p.activations().tanh(out, 0, repeat(50f), 0, 37);
    assertEquals(1f, out[36]);
    p.activations().tanh(out, 0, repeat(-50f), 0, 37);
    assertEquals(-1f, out[36]);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void expOverflowsToInfinityAndUnderflowsToZero(KernelProvider p) {
    float[] out = new float[37];
    p.activations().exp(out, 0, repeat(100f), 0, 37);
    assertEquals(Float.POSITIVE_INFINITY, out[0]);
    assertEquals(Float.POSITIVE_INFINITY, out[36]);
    p.activations().exp(out, 0, repeat(-200f), 0, 37);
    assertEquals(0f, out[36]);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void nanPropagatesThroughEveryActivation(KernelProvider p) {
    ActivationKernels k = p.activations();
    float[] x = repeat(Float.NaN);
    float[] out = new float[37];
    for (String name : new String[] {"relu", "leakyRelu", "sigmoid", "tanh", "exp", "gelu",
        "softplus"}) {
      switch (name) {
        case "relu" -> k.relu(out, 0, x, 0, 37);
        case "leakyRelu" -> k.leakyRelu(out, 0, x, 0, 0.1f, 37);
        case "sigmoid" -> k.sigmoid(out, 0, x, 0, 37);
        case "tanh" -> k.tanh(out, 0, x, 0, 37);
        case "exp" -> k.exp(out, 0, x, 0, 37);
        case "gelu" -> k.gelu(out, 0, x, 0, 37);
        default -> k.softplus(out, 0, x, 0, 37);
      }
      assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[36]), name + "(NaN) = " + out[0]);
    }
    assertTrue(Float.isNaN(p.reductions().max(x, 0, 37)));
    assertTrue(Float.isNaN(p.reductions().sum(x, 0, 37)));
  }

  @ParameterizedTest
  @MethodSource("providers")
  void geluAndSoftplusAreFiniteAtInfinity(KernelProvider p) {
    float[] x = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -1e30f};
    float[] out = new float[4];
    p.activations().gelu(out, 0, x, 0, 4);
    assertEquals(Float.POSITIVE_INFINITY, out[0]);
    assertEquals(0f, out[1]);
    assertEquals(1e30f, out[2]);
    assertEquals(0f, out[3]);
    p.activations().softplus(out, 0, x, 0, 4);
    assertEquals(Float.POSITIVE_INFINITY, out[0]);
    assertEquals(0f, out[1]);
    assertEquals(1e30f, out[2]);
    assertEquals(0f, out[3]);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void softmaxOfHugeLogitsIsFiniteAndSumsToOne(KernelProvider p) {
    int cols = 37;
    float[] x = new float[2 * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 3 == 0) ? 1e4f : (i % 3 == 1 ? -1e4f : 9990f);
    }
    float[] out = new float[x.length];
    p.softmax().softmaxRows(out, 0, x, 0, 2, cols);
    for (int r = 0; r < 2; r++) {
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        float v = out[r * cols + c];
        assertTrue(Float.isFinite(v) && v >= 0, "p = " + v);
        sum += v;
      }
      assertEquals(1.0, sum, 1e-5);
    }
    p.softmax().logSoftmaxRows(out, 0, x, 0, 2, cols);
    for (float v : out) {
      assertTrue(Float.isFinite(v) && v <= 0, "log p = " + v);
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void aNaNLogitMakesItsRowNaNAndLeavesOthersAlone(KernelProvider p) {
    float[] x = {1f, Float.NaN, 2f, 1f, 2f, 3f};
    float[] out = new float[6];
    p.softmax().softmaxRows(out, 0, x, 0, 2, 3);
    assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[2]));
    assertEquals(0.66524096f, out[5], 1e-6f);
  }
}
