package dev.lanes.core.kernel;

import dev.lanes.core.Tensor;

/**
 * Single-precision matrix multiply, {@code C = alpha·op(A)·op(B) + beta·C} on row-major
 * matrices with BLAS semantics, running the kernel that {@link KernelProvider#get()} chose. See
 * {@link GemmKernel} for the layout and the meaning of every argument. Only C is modified.
 *
 * <p>Every size, leading dimension and array extent is checked here, before the kernel runs;
 * a bad one throws {@link IllegalArgumentException} naming both sides, for example
 * {@code sgemm: lda = 5 is less than the 8 columns of A (32x8, not transposed)}.
 *
 * <p>Example: the forward pass of a dense layer, {@code y = x·Wᵀ} with x (N, in) and W
 * (out, in), is {@code sgemm(false, true, N, out, in, 1, x, 0, in, w, 0, in, 0, y, 0, out)}.
 */
public final class Gemm {
  private static final GemmKernel K = KernelProvider.get().gemm();

  private Gemm() {}

  /**
   * {@code C = alpha·op(A)·op(B) + beta·C}, where op(A) is m×k, op(B) is k×n and C is m×n.
   * A is stored as m×k (k×m when transA) with leading dimension lda, B as k×n (n×k when transB)
   * with ldb, C as m×n with ldc. {@code beta = 0} ignores what C held, NaN included.
   *
   * @throws IllegalArgumentException if a size is negative, a leading dimension is less than
   *     the row length it steps over, or an array is too short from its offset
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    K.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /**
   * {@code C = alpha·op(A)·op(B) + beta·C} on rank-2 tensors, each stored densely (leading
   * dimension = its number of columns).
   *
   * @throws IllegalArgumentException if a tensor is not a matrix or the shapes do not fit,
   *     for example {@code sgemm: A is 32x784 but B is 512x10}
   */
  public static void sgemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b,
      float beta, Tensor c) {
    matrix("A", a);
    matrix("B", b);
    matrix("C", c);
    int m = transA ? a.dim(1) : a.dim(0);
    int k = transA ? a.dim(0) : a.dim(1);
    int kb = transB ? b.dim(1) : b.dim(0);
    int n = transB ? b.dim(0) : b.dim(1);
    if (k != kb) {
      throw new IllegalArgumentException("sgemm: " + side("A", transA) + " is " + m + "x" + k
          + " but " + side("B", transB) + " is " + kb + "x" + n);
    }
    if (c.dim(0) != m || c.dim(1) != n) {
      throw new IllegalArgumentException("sgemm: C is " + c.dim(0) + "x" + c.dim(1) + " but "
          + side("A", transA) + "·" + side("B", transB) + " is " + m + "x" + n);
    }
    K.sgemm(transA, transB, m, n, k, alpha, a.data(), a.offset(), a.dim(1),
        b.data(), b.offset(), b.dim(1), beta, c.data(), c.offset(), c.dim(1));
  }

  private static void check(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    Checks.nonNegative("sgemm", "m", m);
    Checks.nonNegative("sgemm", "n", n);
    Checks.nonNegative("sgemm", "k", k);
    stored("A", transA, transA ? k : m, transA ? m : k, "lda", lda, a, aOff);
    stored("B", transB, transB ? n : k, transB ? k : n, "ldb", ldb, b, bOff);
    stored("C", false, m, n, "ldc", ldc, c, cOff);
  }

  /**
   * Checks one stored rows×cols matrix: its leading dimension and its array's extent. The
   * message is built only when a check fails: building it on every call would allocate in
   * every training step (a recurrent layer calls sgemm twice per time step).
   */
  private static void stored(String name, boolean transposed, int rows, int cols,
      String ldName, int ld, float[] x, int off) {
    // the messages are built only on failure: a valid call allocates nothing
    if (ld < cols) {
      throw new IllegalArgumentException("sgemm: " + ldName + " = " + ld + " is less than the "
          + cols + " columns of " + name + " (" + shape(name, transposed, rows, cols) + ")");
    }
    long extent = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    if (!Checks.fits(x, off, extent)) {
      Checks.range("sgemm", name + " (" + shape(name, transposed, rows, cols) + ", " + ldName
          + " = " + ld + ")", x, off, extent);
    }
  }

  private static String shape(String name, boolean transposed, int rows, int cols) {
    return rows + "x" + cols
        + (name.equals("C") ? "" : transposed ? ", transposed" : ", not transposed");
  }

  private static void matrix(String name, Tensor t) {
    if (t == null) {
      throw new IllegalArgumentException("sgemm: " + name + " is null");
    }
    if (t.shape().rank() != 2) {
      throw new IllegalArgumentException(
          "sgemm: " + name + " must be a matrix (rank 2), got shape " + t.shape());
    }
  }

  private static String side(String name, boolean transposed) {
    return transposed ? name + "ᵀ" : name;
  }
}
