package dev.lanes.core.kernel.scalar;

import dev.lanes.core.kernel.SoftmaxKernels;

/** Reference softmax: subtract the row maximum, exponentiate and sum in double. */
public final class ScalarSoftmax implements SoftmaxKernels {
  @Override
  public void softmaxRows(float[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int in = xOff + r * cols;
      int o = outOff + r * cols;
      float max = rowMax(x, in, cols);
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        sum += Math.exp(x[in + c] - max);
      }
      for (int c = 0; c < cols; c++) {
        out[o + c] = (float) (Math.exp(x[in + c] - max) / sum);
      }
    }
  }

  @Override
  public void logSoftmaxRows(float[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int in = xOff + r * cols;
      int o = outOff + r * cols;
      float max = rowMax(x, in, cols);
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        sum += Math.exp(x[in + c] - max);
      }
      double logSum = Math.log(sum);
      for (int c = 0; c < cols; c++) {
        out[o + c] = (float) (x[in + c] - max - logSum);
      }
    }
  }

  private static float rowMax(float[] x, int from, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, x[from + i]);
    }
    return m;
  }
}
