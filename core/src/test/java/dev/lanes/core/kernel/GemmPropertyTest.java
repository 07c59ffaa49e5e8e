package dev.lanes.core.kernel;

import static dev.lanes.core.kernel.KernelPair.EPS;
import static dev.lanes.core.kernel.KernelPair.LANES;
import static dev.lanes.core.kernel.KernelPair.SCALAR;
import static dev.lanes.core.kernel.KernelPair.SIMD;

import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.Property;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * SIMD sgemm against the scalar reference, on random sizes in 1..300 whose first tries go
 * through every edge: 1, primes, L-1, L, L+1, the multiples of the micro-tile sides ± 1, and k
 * around the depth of a packed block. Every case has its own leading dimensions (larger than
 * the matrix), offsets, transposes, alpha and beta; the first 36 tries cover every combination
 * of transA, transB, alpha in {0, 1, -0.5} and beta in {0, 1, 0.3}, the later ones draw them.
 *
 * <p>Tolerance, element by element: the reference sums in double and rounds once, so it is
 * within 2⁻²⁴ (relative) of the exact value. The SIMD kernel sums in float, in an order of its
 * own (an FMA chain per packed block of k, a tree within a vector for the dot-product path),
 * then applies alpha and beta with an FMA per block. Along any of these orders each product
 * a·b goes through at most k roundings in its sum and one per block at the write-back, fewer
 * than 2k + 2 in all, so by the standard bound for sums in any order (Higham, "Accuracy and
 * Stability of Numerical Algorithms", §3.1 and §4.2) the two differ by at most
 * {@code (2k + 3)·2⁻²⁴·(|alpha|·Σ_p |a_ip·b_pj| + |beta·c_ij|)}. That bound is computed from
 * each case's data, and it is a bound, not an estimate, so the test is never flaky.
 */
class GemmPropertyTest {
  private static final float[] ALPHAS = {0f, 1f, -0.5f};
  private static final float[] BETAS = {0f, 1f, 0.3f};

  @Test
  void simdMatchesScalar() {
    Property.named("simd sgemm matches scalar").tries(160).check(c -> {
      // the combination first, as a size: the first 36 tries then take 0, 1, ..., 35 in turn
      int combo = c.size("combo", 0, 35, range(36));
      boolean transA = (combo & 1) != 0;
      boolean transB = (combo & 2) != 0;
      float alpha = ALPHAS[combo / 4 % 3];
      float beta = BETAS[combo / 12];
      c.note("transA, transB, alpha, beta", transA + ", " + transB + ", " + alpha + ", " + beta);
      int[] edges = edges(LANES);
      int m = c.size("m", 1, 300, edges);
      int n = c.size("n", 1, 300, edges);
      int k = c.size("k", 1, 300, edges);
      check(c, SCALAR.gemm(), SIMD.gemm(), transA, transB, m, n, k, alpha, beta);
    });
  }

  /**
   * Deep products: k past one, two and four packed blocks (blocks of 256 or 512), where the
   * write-back of every block after the first adds into C.
   */
  @Test
  void simdMatchesScalarOverManyBlocksOfK() {
    Property.named("simd sgemm matches scalar for deep k").tries(24).check(c -> {
      int combo = c.size("combo", 0, 3, 0, 1, 2, 3);
      int m = c.size("m", 1, 40, 1, 7, 13, 25);
      int n = c.size("n", 1, 40, 1, 2 * LANES + 1, 3 * LANES - 1);
      int k = c.size("k", 300, 1100, 511, 512, 513, 767, 769, 1023, 1025, 1100);
      check(c, SCALAR.gemm(), SIMD.gemm(), (combo & 1) != 0, (combo & 2) != 0, m, n, k,
          c.oneOf("alpha", 1f, -0.5f), c.oneOf("beta", 0f, 1f, 0.3f));
    });
  }

  @Test
  void facadeMatchesScalar() {
    GemmKernel facade = Gemm::sgemm;
    Property.named("Gemm.sgemm matches scalar").tries(24).check(c -> {
      int[] edges = edges(LANES);
      check(c, SCALAR.gemm(), facade, c.bool("transA"), c.bool("transB"),
          c.size("m", 1, 120, edges), c.size("n", 1, 120, edges), c.size("k", 1, 300, edges),
          c.oneOf("alpha", 1f, -0.5f), c.oneOf("beta", 0f, 0.3f));
    });
  }

  /**
   * Runs both kernels on the same operands, laid out with offsets and padded rows, and checks
   * that they agree within the bound above and that nothing of C outside the m×n matrix moved.
   */
  private static void check(Case c, GemmKernel reference, GemmKernel tested, boolean transA,
      boolean transB, int m, int n, int k, float alpha, float beta) {
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    int lda = aCols + c.intIn("lda - columns", 0, 5);
    int ldb = bCols + c.intIn("ldb - columns", 0, 5);
    int ldc = n + c.intIn("ldc - n", 0, 5);
    int aOff = c.intIn("aOff", 0, 2 * LANES + 1);
    int bOff = c.intIn("bOff", 0, 2 * LANES + 1);
    int cOff = c.intIn("cOff", 0, 2 * LANES + 1);
    // every element of the arrays is random, padding included, so a kernel that reads a
    // padding element or writes one is caught
    float[] a = c.floats("a", aOff + (aRows - 1) * lda + aCols + 3, -1, 1);
    float[] b = c.floats("b", bOff + (bRows - 1) * ldb + bCols + 3, -1, 1);
    float[] c0 = c.floats("c", cOff + (m - 1) * ldc + n + 3, -1, 1);
    float[] expected = c0.clone();
    float[] actual = c0.clone();
    reference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
        beta, expected, cOff, ldc);
    tested.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
        beta, actual, cOff, ldc);
    double rel = (2 * k + 3) * EPS;
    for (int idx = 0; idx < c0.length; idx++) {
      int at = idx - cOff;
      int i = Math.floorDiv(at, ldc);
      int j = at - i * ldc;
      if (at < 0 || i >= m || j >= n) {
        if (Float.floatToRawIntBits(actual[idx]) != Float.floatToRawIntBits(c0[idx])) {
          throw new AssertionError("sgemm wrote outside C: index " + idx + " (cOff " + cOff
              + ", ldc " + ldc + ", " + m + "x" + n + ") changed from " + c0[idx] + " to "
              + actual[idx]);
        }
        continue;
      }
      double magnitude = Math.abs(beta * c0[idx]);
      for (int p = 0; p < k; p++) {
        float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        magnitude += Math.abs((double) alpha * aip * bpj);
      }
      double tol = rel * magnitude + Float.MIN_NORMAL;
      double diff = Math.abs((double) actual[idx] - expected[idx]);
      if (!(diff <= tol)) { // NaN fails too
        throw new AssertionError("C[" + i + "][" + j + "]: expected " + expected[idx]
            + " but got " + actual[idx] + " (difference " + diff + ", tolerance " + tol + ")");
      }
    }
  }

  /**
   * 1, some primes, L-1, L, L+1, multiples (1 to 4) ± 1 of the tile sides a micro-kernel may
   * use (4, 6 or 8 rows; L, 2L or 3L columns), and 255, 256, 257 around a packed block of k.
   */
  static int[] edges(int lanes) {
    TreeSet<Integer> s = new TreeSet<>();
    for (int v : new int[] {1, 2, 3, 5, 7, 13, 31, 61, 97, 127, 211, 251, 255, 256, 257, 293,
        lanes - 1, lanes, lanes + 1}) {
      s.add(v);
    }
    for (int side : new int[] {4, 6, 8, lanes, 2 * lanes, 3 * lanes}) {
      for (int times = 1; times <= 4; times++) {
        s.add(side * times - 1);
        s.add(side * times);
        s.add(side * times + 1);
      }
    }
    s.removeIf(v -> v < 1 || v > 300);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
