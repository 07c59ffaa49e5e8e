package dev.lanes.core.kernel;

/**
 * Single-precision general matrix multiply with BLAS semantics on row-major matrices:
 * {@code C = alpha·op(A)·op(B) + beta·C}, where op(X) is X or its transpose Xᵀ.
 *
 * <p>op(A) is m×k, op(B) is k×n and C is m×n. Element (i, j) of a stored row-major matrix X
 * with leading dimension ldx is {@code x[xOff + i·ldx + j]}; A is stored as m×k (lda ≥ k) when
 * transA is false and as k×m (lda ≥ m) when it is true, likewise B as k×n or n×k.
 *
 * <p>As in BLAS, {@code beta = 0} overwrites C without reading it (NaN or infinity already in C
 * does not leak into the result), and {@code alpha = 0} or {@code k = 0} only scales C by beta
 * without reading A or B. Only C is modified; it must not overlap A or B. Arguments are checked
 * by the {@link Gemm} facade; implementations assume them valid.
 */
public interface GemmKernel {
  /** {@code C = alpha·op(A)·op(B) + beta·C}; see the class comment for the layout. */
  void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc);
}
