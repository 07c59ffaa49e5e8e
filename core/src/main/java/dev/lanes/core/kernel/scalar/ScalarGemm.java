package dev.lanes.core.kernel.scalar;

import dev.lanes.core.kernel.GemmKernel;

/**
 * Reference sgemm: the triple loop, one dot product per element of C.
 *
 * <p>Each dot product is accumulated in double and rounded to float once, after alpha and beta
 * are applied. That makes the reference nearly exact (its own error is about 2⁻²⁴ relative,
 * whatever k), so a test comparing a float-accumulating kernel against it measures that
 * kernel's rounding error alone, and the tolerance can be derived from float error analysis.
 */
public final class ScalarGemm implements GemmKernel {
  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int ci = cOff + i * ldc + j;
        // BLAS: beta = 0 overwrites C (a NaN there must not survive as 0·NaN), and alpha = 0
        // does not read A or B (a NaN there must not turn into 0·NaN either)
        double old = beta == 0 ? 0 : (double) beta * c[ci];
        if (alpha == 0) {
          c[ci] = (float) old;
          continue;
        }
        double sum = 0;
        for (int p = 0; p < k; p++) {
          float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          sum += (double) aip * bpj;
        }
        c[ci] = (float) (alpha * sum + old);
      }
    }
  }
}
