package dev.lanes.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Tensor;
import dev.lanes.core.parallel.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sgemm by example: hand-computed and exactly representable cases for the scalar reference, the
 * SIMD kernel and the facade; the BLAS rules for alpha = 0 and beta = 0; the same bits on 1 and
 * 2 threads; and the facade's messages.
 */
class GemmTest {
  static Stream<GemmKernel> kernels() {
    GemmKernel facade = Gemm::sgemm;
    return Stream.of(KernelProvider.scalar().gemm(), KernelProvider.simd().gemm(), facade);
  }

  /** Row-major rows×cols of {@code x}, stored transposed when asked (cols×rows). */
  private static float[] stored(float[] x, int rows, int cols, boolean transposed) {
    if (!transposed) {
      return x.clone();
    }
    float[] t = new float[x.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = x[i * cols + j];
      }
    }
    return t;
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void handComputedInEveryLayout(GemmKernel kernel) {
    // A = [1 2 3; 4 5 6], B = [7 8; 9 10; 11 12]:
    // A·B = [1·7+2·9+3·11  1·8+2·10+3·12; 4·7+5·9+6·11  4·8+5·10+6·12] = [58 64; 139 154],
    // and with alpha = 2, beta = -1, C = [1 2; 3 4]: [116-1 128-2; 278-3 308-4]
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {7, 8, 9, 10, 11, 12};
    for (boolean transA : new boolean[] {false, true}) {
      for (boolean transB : new boolean[] {false, true}) {
        float[] c = {1, 2, 3, 4};
        kernel.sgemm(transA, transB, 2, 2, 3, 2f, stored(a, 2, 3, transA), 0, transA ? 2 : 3,
            stored(b, 3, 2, transB), 0, transB ? 3 : 2, -1f, c, 0, 2);
        assertArrayEquals(new float[] {115, 126, 275, 304}, c,
            "transA = " + transA + ", transB = " + transB);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void subMatricesWithOffsetsAndLeadingDimensions(GemmKernel kernel) {
    // the 2x2 block at row 1, column 1 of a 3x4 C, from blocks of larger arrays:
    // A = [2 0; 1 3] inside a 2x3 at offset 1, B = [1 1; 0 2] inside a 2x5 at offset 2
    float[] a = {9, 2, 0, 9, 1, 3};
    float[] b = {9, 9, 1, 1, 9, 9, 9, 0, 2, 9};
    float[] c = new float[12];
    Arrays.fill(c, -1);
    kernel.sgemm(false, false, 2, 2, 2, 1f, a, 1, 3, b, 2, 5, 0f, c, 5, 4);
    // A·B = [2 2; 1 7]; the rest of C is untouched
    assertArrayEquals(new float[] {-1, -1, -1, -1, -1, 2, 2, -1, -1, 1, 7, -1}, c);
  }

  /**
   * Small integers make every partial sum exact in float, so the kernels must agree to the bit
   * with an exact long computation, whatever their order of summation: here through the packed
   * path (edge tiles on both sides, k over several packed blocks; a C of over 2²¹ floats, whose
   * blocks run row panel by row panel) and through the small path.
   */
  @ParameterizedTest
  @MethodSource("kernels")
  void integerProductsAreExact(GemmKernel kernel) {
    int[][] sizes = {{70, 53, 300}, {5, 7, 9}, {1, 1, 1}, {13, 40, 3}, {19, 37, 1100},
        {2053, 1031, 19}};
    for (int[] s : sizes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      float[] a = new float[m * k];
      float[] b = new float[k * n];
      for (int i = 0; i < m; i++) {
        for (int p = 0; p < k; p++) {
          a[i * k + p] = (i + 2 * p) % 7 - 3;
        }
      }
      for (int p = 0; p < k; p++) {
        for (int j = 0; j < n; j++) {
          b[p * n + j] = (3 * p + j) % 5 - 2;
        }
      }
      float[] expected = new float[m * n];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          long sum = 0;
          for (int p = 0; p < k; p++) {
            sum += (long) a[i * k + p] * (long) b[p * n + j];
          }
          expected[i * n + j] = 2 * sum + 1; // alpha = 2, beta = 1 on C = 1
        }
      }
      for (boolean transA : new boolean[] {false, true}) {
        for (boolean transB : new boolean[] {false, true}) {
          float[] c = new float[m * n];
          Arrays.fill(c, 1);
          kernel.sgemm(transA, transB, m, n, k, 2f, stored(a, m, k, transA), 0,
              transA ? m : k, stored(b, k, n, transB), 0, transB ? k : n, 1f, c, 0, n);
          assertArrayEquals(expected, c, m + "x" + n + "x" + k + ", transA = " + transA
              + ", transB = " + transB);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void betaZeroIgnoresNanInC(GemmKernel kernel) {
    for (int size : new int[] {3, 40, 150}) { // the small path and the packed one
      float[] a = new float[size * size];
      float[] b = new float[size * size];
      Arrays.fill(a, 0.5f);
      Arrays.fill(b, 2f);
      for (float alpha : new float[] {1f, 0f}) {
        float[] c = new float[size * size];
        Arrays.fill(c, Float.NaN);
        kernel.sgemm(false, true, size, size, size, alpha, a, 0, size, b, 0, size, 0f, c, 0,
            size);
        float[] expected = new float[size * size];
        Arrays.fill(expected, alpha * size);
        assertArrayEquals(expected, c, "size " + size + ", alpha = " + alpha);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void alphaZeroOrEmptyKOnlyScalesC(GemmKernel kernel) {
    for (int size : new int[] {3, 150}) {
      float[] a = new float[size * size];
      Arrays.fill(a, Float.NaN); // BLAS does not read A or B when alpha = 0
      float[] c = new float[size * size];
      Arrays.fill(c, 4f);
      kernel.sgemm(false, false, size, size, size, 0f, a, 0, size, a, 0, size, 0.25f, c, 0,
          size);
      float[] expected = new float[size * size];
      Arrays.fill(expected, 1f);
      assertArrayEquals(expected, c, "alpha = 0, size " + size);
      kernel.sgemm(true, true, size, size, 0, 1f, a, 0, size, a, 0, size, -2f, c, 0, size);
      Arrays.fill(expected, -2f);
      assertArrayEquals(expected, c, "k = 0, size " + size);
    }
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void nanInAReachesItsRowOnly(GemmKernel kernel) {
    int m = 20;
    int n = 37;
    int k = 300;
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    Arrays.fill(a, 1f);
    Arrays.fill(b, 1f);
    a[7 * k + 100] = Float.NaN;
    float[] c = new float[m * n];
    kernel.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(i == 7 ? Float.NaN : k, c[i * n + j], "C[" + i + "][" + j + "]");
      }
    }
  }

  @Test
  void emptyProductsTouchNothing() {
    float[] c = {5f};
    Gemm.sgemm(false, false, 0, 1, 3, 1f, new float[0], 0, 3, new float[3], 0, 1, 0f, c, 0, 1);
    Gemm.sgemm(false, false, 1, 0, 3, 1f, new float[3], 0, 3, new float[0], 0, 0, 0f, c, 0, 0);
    assertEquals(5f, c[0]);
  }

  /**
   * Each element's sum runs in the same order whichever thread computes it, so 1, 2 and 3
   * threads give the same bits, for each way of splitting a product: on sizes over the
   * parallel threshold, with k over several packed blocks and edge tiles on both sides, beta
   * 0 and not.
   */
  @Test
  void oneAndTwoThreadsGiveTheSameBits() {
    // 400 rows (9 blocks of 48): threads take blocks of rows
    oneAndTwoThreadsGiveTheSameBits(400, 203, 1100);
    // 64 rows (a dense layer's batch): threads take chunks of column panels
    oneAndTwoThreadsGiveTheSameBits(64, 203, 1100);
    // 301 rows (7 blocks) and 20 columns (two panels): one range of rows per thread
    oneAndTwoThreadsGiveTheSameBits(301, 20, 1100);
    // over 2²¹ floats of C: blocks of rows, each row panel across all of B's panels
    oneAndTwoThreadsGiveTheSameBits(2053, 1031, 40);
    // too few column panels for two chunks per thread, several blocks of k: the blocks of k
    // (and halves of the columns) go to the threads, their partial products added in order
    // (with 8 lanes: a dense layer's forward, 64 x 128 by 3136 in 7 blocks; 7 column panels,
    // the last partial, by 3 blocks, the last short; 20 rows, edge panels both ways, 4 blocks)
    oneAndTwoThreadsGiveTheSameBits(64, 128, 3136);
    oneAndTwoThreadsGiveTheSameBits(50, 100, 1300);
    oneAndTwoThreadsGiveTheSameBits(20, 70, 2000);
  }

  private static void oneAndTwoThreadsGiveTheSameBits(int m, int n, int k) {
    int before = Parallel.threads();
    try {
      SplittableRandom random = new SplittableRandom(3);
      float[] a = new float[m * k];
      float[] b = new float[k * n];
      float[] c0 = new float[m * n];
      for (float[] x : new float[][] {a, b, c0}) {
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) random.nextDouble(-1, 1);
        }
      }
      GemmKernel simd = KernelProvider.simd().gemm();
      for (boolean transA : new boolean[] {false, true}) {
        for (boolean transB : new boolean[] {false, true}) {
          for (float beta : new float[] {0.3f, 0f}) {
            float[][] results = new float[3][];
            for (int threads = 1; threads <= 3; threads++) {
              Parallel.setThreads(threads);
              float[] c = c0.clone();
              simd.sgemm(transA, transB, m, n, k, -0.7f, a, 0, transA ? m : k, b, 0,
                  transB ? k : n, beta, c, 0, n);
              results[threads - 1] = c;
            }
            for (int threads = 2; threads <= 3; threads++) {
              assertTrue(Arrays.equals(results[0], results[threads - 1]), "1 and " + threads
                  + " threads differ: m = " + m + ", n = " + n + ", k = " + k + ", transA = "
                  + transA + ", transB = " + transB + ", beta = " + beta);
            }
          }
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  private static String message(Runnable call) {
    return assertThrows(IllegalArgumentException.class, call::run).getMessage();
  }

  @Test
  void badSizesAreNamedWithBothSides() {
    float[] big = new float[1000];
    assertEquals("sgemm: m = -1 is negative", message(() ->
        Gemm.sgemm(false, false, -1, 2, 2, 1f, big, 0, 2, big, 0, 2, 0f, big, 0, 2)));
    assertEquals("sgemm: k = -3 is negative", message(() ->
        Gemm.sgemm(false, false, 1, 2, -3, 1f, big, 0, 2, big, 0, 2, 0f, big, 0, 2)));
    assertEquals("sgemm: lda = 5 is less than the 8 columns of A (32x8, not transposed)",
        message(() -> Gemm.sgemm(false, false, 32, 4, 8, 1f, big, 0, 5, big, 0, 4, 0f,
            big, 0, 4)));
    assertEquals("sgemm: lda = 20 is less than the 32 columns of A (8x32, transposed)",
        message(() -> Gemm.sgemm(true, false, 32, 4, 8, 1f, big, 0, 20, big, 0, 4, 0f,
            big, 0, 4)));
    assertEquals("sgemm: ldb = 3 is less than the 7 columns of B (4x7, not transposed)",
        message(() -> Gemm.sgemm(false, false, 2, 7, 4, 1f, big, 0, 4, big, 0, 3, 0f,
            big, 0, 7)));
    assertEquals("sgemm: ldc = 6 is less than the 7 columns of C (2x7)",
        message(() -> Gemm.sgemm(false, true, 2, 7, 4, 1f, big, 0, 4, big, 0, 4, 0f,
            big, 0, 6)));
    assertEquals("sgemm: B (512x10, not transposed, ldb = 10) needs 5120 elements from"
        + " offset 0, but its array has 5000", message(() -> Gemm.sgemm(false, false, 32, 10,
            512, 1f, new float[32 * 512], 0, 512, new float[5000], 0, 10, 0f, new float[320],
            0, 10)));
    assertEquals("sgemm: A (10x3, transposed, lda = 4) needs 39 elements from offset 2,"
        + " but its array has 40", message(() -> Gemm.sgemm(true, false, 3, 1, 10, 1f,
            new float[40], 2, 4, big, 0, 1, 0f, big, 0, 1)));
    assertEquals("sgemm: C (3x3, ldc = 3) offset -1 is negative", message(() ->
        Gemm.sgemm(false, false, 3, 3, 3, 1f, big, 0, 3, big, 0, 3, 0f, big, -1, 3)));
    assertEquals("sgemm: B (2x2, transposed, ldb = 2) is null", message(() ->
        Gemm.sgemm(false, true, 2, 2, 2, 1f, big, 0, 2, null, 0, 2, 0f, big, 0, 2)));
  }

  @Test
  void tensorShapesAreChecked() {
    assertEquals("sgemm: A is 32x784 but B is 512x10", message(() -> Gemm.sgemm(false, false,
        1f, Tensor.zeros(32, 784), Tensor.zeros(512, 10), 0f, Tensor.zeros(32, 10))));
    assertEquals("sgemm: A is 32x784 but Bᵀ is 512x10", message(() -> Gemm.sgemm(false, true,
        1f, Tensor.zeros(32, 784), Tensor.zeros(10, 512), 0f, Tensor.zeros(32, 10))));
    assertEquals("sgemm: C is 32x11 but A·B is 32x10", message(() -> Gemm.sgemm(false, false,
        1f, Tensor.zeros(32, 784), Tensor.zeros(784, 10), 0f, Tensor.zeros(32, 11))));
    assertEquals("sgemm: B must be a matrix (rank 2), got shape (3, 4, 5)", message(() ->
        Gemm.sgemm(false, false, 1f, Tensor.zeros(2, 3), Tensor.zeros(3, 4, 5), 0f,
            Tensor.zeros(2, 4))));
  }

  @Test
  void tensorsMultiply() {
    // x (2, 3) times Wᵀ for W (2, 3): the forward pass of a dense layer without bias
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor w = Tensor.wrap(new float[] {1, 0, -1, 0.5f, 0.5f, 0.5f}, 2, 3);
    Tensor y = Tensor.zeros(2, 2);
    Gemm.sgemm(false, true, 1f, x, w, 0f, y);
    assertArrayEquals(new float[] {-2, 3, -2, 7.5f}, y.toArray());
  }
}
