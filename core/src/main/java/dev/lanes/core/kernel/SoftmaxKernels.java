package dev.lanes.core.kernel;

/**
 * Softmax and log-softmax along each row of a (rows, cols) matrix, numerically stable: the row
 * maximum is subtracted before {@code exp}, so logits of ±1e4 give finite probabilities. A row
 * with NaN, or with +Inf, gives NaN. Arguments are checked by the {@link Softmax} facade.
 */
public interface SoftmaxKernels {
  /** {@code out[r][c] = exp(x[r][c] - m_r) / Σ_c' exp(x[r][c'] - m_r)}, m_r the row maximum. */
  void softmaxRows(float[] out, int outOff, float[] x, int xOff, int rows, int cols);

  /** {@code out[r][c] = x[r][c] - m_r - log Σ_c' exp(x[r][c'] - m_r)}. */
  void logSoftmaxRows(float[] out, int outOff, float[] x, int xOff, int rows, int cols);
}
