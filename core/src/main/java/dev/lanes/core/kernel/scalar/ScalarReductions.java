package dev.lanes.core.kernel.scalar;

import dev.lanes.core.kernel.ReductionKernels;

/** Reference reductions: sums accumulate in double, so the oracle is more accurate than either result. */
public final class ScalarReductions implements ReductionKernels {
  @Override
  public float sum(float[] x, int xOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += x[xOff + i];
    }
    return (float) s;
  }

  @Override
  public float max(float[] x, int xOff, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, x[xOff + i]);
    }
    return m;
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += (double) a[aOff + i] * b[bOff + i];
    }
    return (float) s;
  }

  @Override
  public void argmaxRows(int[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int row = xOff + r * cols;
      int best = 0;
      for (int c = 1; c < cols && !Float.isNaN(x[row + best]); c++) {
        float v = x[row + c];
        if (v > x[row + best] || Float.isNaN(v)) {
          best = c;
        }
      }
      out[outOff + r] = best;
    }
  }

  @Override
  public void addColumnSums(float[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    for (int c = 0; c < cols; c++) {
      double s = 0;
      for (int r = 0; r < rows; r++) {
        s += x[xOff + r * cols + c];
      }
      out[outOff + c] = (float) (out[outOff + c] + s);
    }
  }

  @Override
  public void addChannelSums(float[] out, int outOff, float[] x, int xOff,
      int batch, int channels, int spatial) {
    for (int c = 0; c < channels; c++) {
      double s = 0;
      for (int b = 0; b < batch; b++) {
        int base = xOff + (b * channels + c) * spatial;
        for (int i = 0; i < spatial; i++) {
          s += x[base + i];
        }
      }
      out[outOff + c] = (float) (out[outOff + c] + s);
    }
  }

  @Override
  public void meanVarianceChannels(float[] mean, int meanOff, float[] variance, int varianceOff,
      float[] x, int xOff, int batch, int channels, int spatial, int firstChannel,
      int endChannel) {
    double count = (double) batch * spatial;
    for (int c = firstChannel; c < endChannel; c++) {
      double s = 0;
      for (int b = 0; b < batch; b++) {
        int base = xOff + (b * channels + c) * spatial;
        for (int i = 0; i < spatial; i++) {
          s += x[base + i];
        }
      }
      double m = s / count;
      double ss = 0;
      for (int b = 0; b < batch; b++) {
        int base = xOff + (b * channels + c) * spatial;
        for (int i = 0; i < spatial; i++) {
          double d = x[base + i] - m;
          ss += d * d;
        }
      }
      mean[meanOff + c] = (float) m;
      variance[varianceOff + c] = (float) (ss / count);
    }
  }

  @Override
  public void sumDotChannels(double[] sums, int sumsOff, double[] dots, int dotsOff, float[] a,
      int aOff, float[] b, int bOff, int batch, int channels, int spatial, int firstChannel,
      int endChannel) {
    for (int c = firstChannel; c < endChannel; c++) {
      double s = 0;
      double d = 0;
      for (int n = 0; n < batch; n++) {
        int at = (n * channels + c) * spatial;
        for (int i = 0; i < spatial; i++) {
          s += a[aOff + at + i];
          d += (double) a[aOff + at + i] * b[bOff + at + i];
        }
      }
      sums[sumsOff + c] = s;
      dots[dotsOff + c] = d;
    }
  }
}
