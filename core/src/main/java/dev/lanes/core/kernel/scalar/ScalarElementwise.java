package dev.lanes.core.kernel.scalar;

import dev.lanes.core.kernel.ElementwiseKernels;

/** Reference element-wise kernels: one plain loop each. */
public final class ScalarElementwise implements ElementwiseKernels {
  @Override
  public void fill(float[] out, int outOff, float value, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = value;
    }
  }

  @Override
  public void copy(float[] out, int outOff, float[] x, int xOff, int n) {
    System.arraycopy(x, xOff, out, outOff, n);
  }

  @Override
  public void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = a[aOff + i] + b[bOff + i];
    }
  }

  @Override
  public void sub(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = a[aOff + i] - b[bOff + i];
    }
  }

  @Override
  public void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void scale(float[] out, int outOff, float alpha, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = alpha * x[xOff + i];
    }
  }

  @Override
  public void axpy(float[] y, int yOff, float alpha, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void addRowBias(float[] x, int xOff, float[] bias, int biasOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        x[xOff + r * cols + c] += bias[biasOff + c];
      }
    }
  }

  @Override
  public void addChannelBias(float[] x, int xOff, float[] bias, int biasOff,
      int batch, int channels, int spatial) {
    for (int b = 0; b < batch; b++) {
      for (int c = 0; c < channels; c++) {
        int base = xOff + (b * channels + c) * spatial;
        for (int s = 0; s < spatial; s++) {
          x[base + s] += bias[biasOff + c];
        }
      }
    }
  }

  @Override
  public void adamUpdate(float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
      float[] v, int vOff, int n, float beta1, float beta2, float eps, float l2, float stepSize,
      float invSqrtCorrection2) {
    float keep1 = 1f - beta1;
    float keep2 = 1f - beta2;
    for (int i = 0; i < n; i++) {
      float wi = w[wOff + i];
      float gi = g[gOff + i] + l2 * wi;
      float mi = beta1 * m[mOff + i] + keep1 * gi;
      float vi = beta2 * v[vOff + i] + keep2 * gi * gi;
      m[mOff + i] = mi;
      v[vOff + i] = vi;
      w[wOff + i] = wi - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtCorrection2 + eps);
    }
  }

  @Override
  public void normalize(float[] h, int hOff, float[] y, int yOff, float[] x, int xOff, float mean,
      float invStd, float gamma, float beta, int runs, int n, int stride) {
    for (int r = 0; r < runs; r++) {
      int at = r * stride;
      for (int i = 0; i < n; i++) {
        float v = (x[xOff + at + i] - mean) * invStd;
        h[hOff + at + i] = v;
        y[yOff + at + i] = gamma * v + beta;
      }
    }
  }

  @Override
  public void normalizeBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] h,
      int hOff, float k, float count, float sumDy, float sumDyH, int runs, int n, int stride) {
    for (int r = 0; r < runs; r++) {
      int at = r * stride;
      for (int i = 0; i < n; i++) {
        dx[dxOff + at + i] = k * (count * dy[dyOff + at + i] - sumDy - h[hOff + at + i] * sumDyH);
      }
    }
  }
}
