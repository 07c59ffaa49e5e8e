package dev.lanes.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values worked out by hand (or to many digits elsewhere), pinned for both providers: two
 * implementations of one library can share a mistake that comparing them would never show.
 */
class HandComputedKernelTest {
  static Stream<KernelProvider> providers() {
    return Stream.of(KernelProvider.scalar(), KernelProvider.simd());
  }

  private static final float TOL = 2e-6f;

  @ParameterizedTest
  @MethodSource("providers")
  void activations(KernelProvider p) {
    ActivationKernels k = p.activations();
    float[] x = {-2f, -0.5f, 0f, 0.5f, 1f};
    float[] out = new float[5];

    k.relu(out, 0, x, 0, 5);
    assertArrayEquals(new float[] {0, 0, 0, 0.5f, 1}, out);
    k.leakyRelu(out, 0, x, 0, 0.1f, 5);
    assertArrayEquals(new float[] {-0.2f, -0.05f, 0, 0.5f, 1}, out, 1e-7f);
    k.sigmoid(out, 0, x, 0, 5);
    // 1/(1+e^2), 1/(1+e^0.5), 1/2, ...
    assertArrayEquals(new float[] {0.11920292f, 0.37754067f, 0.5f, 0.62245933f, 0.73105858f},
        out, TOL);
    k.tanh(out, 0, x, 0, 5);
    assertArrayEquals(new float[] {-0.96402758f, -0.46211716f, 0f, 0.46211716f, 0.76159416f},
        out, TOL);
    k.exp(out, 0, x, 0, 5);
    assertArrayEquals(new float[] {0.13533528f, 0.60653066f, 1f, 1.64872127f, 2.71828183f},
        out, TOL);
    // GELU(1) = 0.5·(1 + tanh(0.7978846·1.044715)) = 0.5·(1 + tanh(0.8335613)) = 0.8411920
    k.gelu(out, 0, x, 0, 5);
    assertArrayEquals(new float[] {-0.04540231f, -0.15428599f, 0f, 0.34571401f, 0.84119199f},
        out, TOL);
    // softplus(0) = ln 2, softplus(1) = ln(1 + e)
    k.softplus(out, 0, x, 0, 5);
    assertArrayEquals(new float[] {0.12692801f, 0.47407698f, 0.69314718f, 0.97407698f,
        1.31326169f}, out, TOL);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void backwardPasses(KernelProvider p) {
    ActivationKernels k = p.activations();
    float[] dy = {2f, 2f, 2f};
    float[] dx = new float[3];
    // sigmoid'(x) = y(1-y): at y = 0.5 it is 0.25
    k.sigmoidBackward(dx, 0, dy, 0, new float[] {0.5f, 0f, 1f}, 0, 3);
    assertArrayEquals(new float[] {0.5f, 0f, 0f}, dx);
    // tanh'(x) = 1 - y²
    k.tanhBackward(dx, 0, dy, 0, new float[] {0.5f, 0f, -1f}, 0, 3);
    assertArrayEquals(new float[] {1.5f, 2f, 0f}, dx);
    k.reluBackward(dx, 0, dy, 0, new float[] {-1f, 0f, 3f}, 0, 3);
    assertArrayEquals(new float[] {0f, 0f, 2f}, dx);
    // GELU'(0) = 0.5; GELU'(1) = 0.5(1+t) + 0.5(1-t²)·0.7978846·(1+0.134145), t = tanh(0.8335613)
    k.geluBackward(dx, 0, dy, 0, new float[] {0f, 1f, -20f}, 0, 3);
    assertArrayEquals(new float[] {1f, 2 * 1.08296408f, 0f}, dx, 4e-6f);
    // softplus'(0) = sigmoid(0) = 0.5
    k.softplusBackward(dx, 0, dy, 0, new float[] {0f, 100f, -100f}, 0, 3);
    assertArrayEquals(new float[] {1f, 2f, 0f}, dx, 1e-7f);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void softmaxOfOneTwoThree(KernelProvider p) {
    float[] x = {1f, 2f, 3f, 0f, 0f, 0f};
    float[] out = new float[6];
    p.softmax().softmaxRows(out, 0, x, 0, 2, 3);
    // e^k / (e + e² + e³)
    assertArrayEquals(new float[] {0.09003057f, 0.24472847f, 0.66524096f,
        1 / 3f, 1 / 3f, 1 / 3f}, out, 1e-6f);
    p.softmax().logSoftmaxRows(out, 0, x, 0, 2, 3);
    // k - log(e + e² + e³) = k - 3.40760596
    assertArrayEquals(new float[] {-2.40760596f, -1.40760596f, -0.40760596f,
        -1.09861229f, -1.09861229f, -1.09861229f}, out, 2e-6f);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void reductions(KernelProvider p) {
    ReductionKernels k = p.reductions();
    float[] x = {1f, 2f, 3f, 4f, -10f};
    assertEquals(0f, k.sum(x, 0, 5));
    assertEquals(10f, k.sum(x, 0, 4));
    assertEquals(4f, k.max(x, 0, 5));
    assertEquals(Float.NEGATIVE_INFINITY, k.max(x, 0, 0));
    assertEquals(1 * 4 + 2 * 3f, k.dot(x, 0, new float[] {4f, 3f}, 0, 2));

    int[] arg = new int[3];
    k.argmaxRows(arg, 0, new float[] {3f, 1f, 3f, 0f, -1f, Float.NaN, -5f, -4f, -4f}, 0, 3, 3);
    assertArrayEquals(new int[] {0, 2, 1}, arg, "first on ties, NaN wins");

    // x (2, 2): column sums added to out
    float[] out = {10f, 20f};
    k.addColumnSums(out, 0, new float[] {1f, 2f, 3f, 4f}, 0, 2, 2);
    assertArrayEquals(new float[] {14f, 26f}, out);

    // x (batch 2, channels 2, spatial 2) = [[[1,2],[10,10]], [[3,4],[10,30]]]
    float[] img = {1f, 2f, 10f, 10f, 3f, 4f, 10f, 30f};
    float[] sums = new float[2];
    k.addChannelSums(sums, 0, img, 0, 2, 2, 2);
    assertArrayEquals(new float[] {10f, 60f}, sums);
    float[] mean = new float[2];
    float[] var = new float[2];
    k.meanVarianceChannels(mean, 0, var, 0, img, 0, 2, 2, 2);
    // channel 0: 1,2,3,4 → mean 2.5, variance (2.25+0.25+0.25+2.25)/4 = 1.25
    // channel 1: 10,10,10,30 → mean 15, variance (25·3 + 225)/4 = 75
    assertArrayEquals(new float[] {2.5f, 15f}, mean);
    assertArrayEquals(new float[] {1.25f, 75f}, var);
    // with b = x / 2: channel 0 Σ x = 10, Σ x·b = (1 + 4 + 9 + 16)/2 = 15; channel 1 Σ x = 60,
    // Σ x·b = (100·3 + 900)/2 = 600; channels [1, 2) only, so channel 0 keeps its -1
    float[] half = {0.5f, 1f, 5f, 5f, 1.5f, 2f, 5f, 15f};
    double[] s = {-1, -1};
    double[] d = {-1, -1};
    k.sumDotChannels(s, 0, d, 0, img, 0, half, 0, 2, 2, 2, 1, 2);
    assertArrayEquals(new double[] {-1, 60}, s);
    assertArrayEquals(new double[] {-1, 600}, d);
    k.sumDotChannels(s, 0, d, 0, img, 0, half, 0, 2, 2, 2, 0, 2);
    assertArrayEquals(new double[] {10, 60}, s);
    assertArrayEquals(new double[] {15, 600}, d);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void elementwise(KernelProvider p) {
    ElementwiseKernels k = p.elementwise();
    float[] y = {1f, 2f, 3f};
    k.axpy(y, 0, 2f, new float[] {1f, 1f, 1f}, 0, 3);
    assertArrayEquals(new float[] {3f, 4f, 5f}, y);
    float[] x = {0f, 0f, 0f, 0f, 0f, 0f};
    k.addRowBias(x, 0, new float[] {1f, 2f, 3f}, 0, 2, 3);
    assertArrayEquals(new float[] {1f, 2f, 3f, 1f, 2f, 3f}, x);
    float[] img = new float[8];
    k.addChannelBias(img, 0, new float[] {1f, -1f}, 0, 2, 2, 2);
    assertArrayEquals(new float[] {1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f}, img);
  }

  /** One LSTM unit: preactivations i, f, g, o = 1, −1, 0.5, 2 and cPrev = 2. */
  @ParameterizedTest
  @MethodSource("providers")
  void lstmStep(KernelProvider p) {
    RecurrentKernels k = p.recurrent();
    float[] gates = {1f, -1f, 0.5f, 2f};
    float[] h = new float[1];
    float[] c = new float[1];
    float[] tanhC = new float[1];
    k.lstmForward(h, 0, c, 0, tanhC, 0, gates, 0, new float[] {2f}, 0, 1, 1);
    // i = σ(1), f = σ(−1), g = tanh(0.5), o = σ(2)
    assertArrayEquals(new float[] {0.73105858f, 0.26894142f, 0.46211716f, 0.88079708f}, gates,
        TOL);
    // c = f·2 + i·g = 0.53788284 + 0.33783471; h = o·tanh(c) = 0.88079708·0.70426744
    assertEquals(0.87571755f, c[0], TOL);
    assertEquals(0.70426744f, tanhC[0], TOL);
    assertEquals(0.62031670f, h[0], TOL);

    // backward with dh = 1 and dc = 0.5 from later steps:
    // dC = 0.5 + 1·o·(1 − tanh²c) = 0.93884836, dc ← dC·f
    float[] dGates = new float[4];
    float[] dc = {0.5f};
    k.lstmBackward(dGates, 0, dc, 0, new float[] {1f}, 0, gates, 0, tanhC, 0, new float[] {2f},
        0, 1, 1);
    // dC·g·i(1−i), dC·cPrev·f(1−f), dC·i·(1−g²), dh·tanh(c)·o(1−o)
    assertArrayEquals(new float[] {0.08576319f, 0.37117511f, 0.54270149f, 0.07394356f}, dGates,
        TOL);
    assertEquals(0.25386140f, dc[0], TOL);
  }

  /** One GRU unit in both forms, hPrev = 0.8. */
  @ParameterizedTest
  @MethodSource("providers")
  void gruSteps(KernelProvider p) {
    RecurrentKernels k = p.recurrent();
    float[] hPrev = {0.8f};
    float[] h = new float[1];
    // reset after: x = (0.5, −0.5, 1), hh = (0.25, 0.5, −1), b_hn = 0.5
    float[] gates = {0.5f, -0.5f, 1f};
    float[] hh = {0.25f, 0.5f, -1f};
    k.gruForward(h, 0, gates, 0, hh, 0, new float[] {0.5f}, 0, hPrev, 0, 1, 1);
    // r = σ(0.75), z = σ(0) = 1/2, s = −1 + 0.5, n = tanh(1 + r·s) = tanh(0.66041065)
    assertArrayEquals(new float[] {0.67917870f, 0.5f, 0.57863663f}, gates, TOL);
    assertEquals(-0.5f, hh[2]);
    // h = (1 − z)·n + z·0.8
    assertEquals(0.68931832f, h[0], TOL);

    // reset before: pre_r = 0.75, pre_z = 0 → r, z, rh = r·0.8; then pre_n = 0.3
    float[] cho = {0.75f, 0f, 0.3f};
    float[] rh = new float[1];
    k.gruChoReset(rh, 0, cho, 0, hPrev, 0, 1, 1);
    assertArrayEquals(new float[] {0.67917870f, 0.5f, 0.3f}, cho, TOL);
    assertEquals(0.54334296f, rh[0], TOL);
    k.gruChoOutput(h, 0, cho, 0, hPrev, 0, 1, 1);
    // n = tanh(0.3), h = (1 − z)·0.8 + z·n: here z weights the candidate
    assertEquals(0.29131261f, cho[2], TOL);
    assertEquals(0.54565631f, h[0], TOL);
  }
}
