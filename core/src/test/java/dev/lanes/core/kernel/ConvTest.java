package dev.lanes.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.core.Shape;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A convolution worked out by hand, for both providers, and the messages for bad shapes. */
class ConvTest {
  static Stream<KernelProvider> providers() {
    return Stream.of(KernelProvider.scalar(), KernelProvider.simd());
  }

  @ParameterizedTest
  @MethodSource("providers")
  void aSmallConvolutionByHand(KernelProvider p) {
    // x (1, 1, 3, 3) = 1..9, w (1, 1, 2, 2) = [[1, 0], [0, -1]], bias 10, stride 1, no padding:
    // y[i][j] = x[i][j] - x[i+1][j+1] + 10 = -4 + 10 everywhere
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] w = {1, 0, 0, -1};
    Conv2dGeometry g = new Conv2dGeometry(1, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 1, 1);
    float[] y = new float[4];
    p.conv().forward(y, 0, x, 0, w, 0, new float[] {10}, 0, g);
    assertArrayEquals(new float[] {6, 6, 6, 6}, y);

    // dy = 1 everywhere: dx[i][j] = Σ of w over the outputs that read x[i][j]
    float[] dx = new float[9];
    p.conv().backwardData(dx, 0, new float[] {1, 1, 1, 1}, 0, w, 0, g);
    assertArrayEquals(new float[] {1, 1, 0, 1, 0, -1, 0, -1, -1}, dx);

    // dw[ky][kx] = Σ_ij dy[i][j]·x[i+ky][j+kx] with dy = [[1, 0], [0, 0]]: the top-left patch
    float[] dw = new float[4];
    float[] db = new float[1];
    p.conv().backwardWeights(dw, 0, db, 0, new float[] {1, 0, 0, 0}, 0, x, 0, g);
    assertArrayEquals(new float[] {1, 2, 4, 5}, dw);
    assertEquals(1f, db[0]);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void paddingStrideAndDilation(KernelProvider p) {
    // x (1, 1, 4, 4) = 0..15; w 2x2 of ones, dilation 2, stride 2, padding 1 → output 2x2.
    // Output (0, 0) reads rows -1, 1 and columns -1, 1: only x[1][1] = 5 is inside.
    float[] x = new float[16];
    for (int i = 0; i < 16; i++) {
      x[i] = i;
    }
    Conv2dGeometry g = new Conv2dGeometry(1, 1, 4, 4, 1, 2, 2, 2, 2, 1, 1, 2, 2);
    assertEquals(2, g.outHeight());
    float[] y = new float[4];
    p.conv().forward(y, 0, x, 0, new float[] {1, 1, 1, 1}, 0, null, 0, g);
    // (0,1): rows -1, 1 × cols 1, 3 → x[1][1] + x[1][3] = 5 + 7
    // (1,0): rows 1, 3 × cols -1, 1 → x[1][1] + x[3][1] = 5 + 13
    // (1,1): rows 1, 3 × cols 1, 3 → 5 + 7 + 13 + 15
    assertArrayEquals(new float[] {5, 12, 18, 40}, y);
  }

  @Test
  void shapesThatDoNotFitAreNamed() {
    assertEquals("conv2d: input (32, 3, 28, 28) has 3 channels but the weight (16, 1, 3, 3)"
        + " expects 1", assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.of(
            Shape.of(32, 3, 28, 28), Shape.of(16, 1, 3, 3), 1, 0, 1)).getMessage());
    assertEquals("conv2d: the output would be empty: the kernel spans 5x5 (kernel 5x5, dilation"
        + " 1x1) but the padded input is only 3x3", assertThrows(IllegalArgumentException.class,
            () -> Conv2dGeometry.of(Shape.of(1, 1, 3, 3), Shape.of(1, 1, 5, 5), 1, 0, 1))
            .getMessage());
    Conv2dGeometry g = Conv2dGeometry.of(Shape.of(2, 3, 8, 8), Shape.of(16, 3, 3, 3), 1, 1, 1);
    assertEquals("conv2d: w (16, 3, 3, 3) needs 432 elements from offset 0, but its array has 144",
        assertThrows(IllegalArgumentException.class, () -> Conv.forward(new float[g.outputSize()],
            0, new float[g.inputSize()], 0, new float[144], 0, null, 0, g)).getMessage());
    assertEquals("conv2dBackwardData: dy (2, 16, 8, 8) needs 2048 elements from offset 0, but its"
        + " array has 100", assertThrows(IllegalArgumentException.class,
            () -> Conv.backwardData(new float[g.inputSize()], 0, new float[100], 0,
                new float[g.weightSize()], 0, g)).getMessage());
    assertEquals("conv2dBackward: dBias (16) needs 16 elements from offset 4, but its array has"
        + " 16", assertThrows(IllegalArgumentException.class,
            () -> Conv.backward(new float[g.inputSize()], 0, new float[g.weightSize()], 0,
                new float[16], 4, new float[g.outputSize()], 0, new float[g.inputSize()], 0,
                new float[g.weightSize()], 0, g)).getMessage());
  }
}
