package dev.lanes.core.kernel.scalar;

import dev.lanes.core.kernel.ActivationKernels;

/**
 * Reference activations. The transcendental ones are evaluated in double and rounded once to
 * float, so they are as accurate as a float result can be: the oracle the SIMD kernels (float
 * throughout) are measured against.
 */
public final class ScalarActivations implements ActivationKernels {
  /** √(2/π), the scale inside GELU's tanh. */
  static final double GELU_SCALE = Math.sqrt(2 / Math.PI);
  static final double GELU_CUBIC = 0.044715;
  /** Beyond |x| > 10 GELU is x or 0 and its derivative 1 or 0 to float precision. */
  static final double GELU_SATURATION = 10;

  @Override
  public void relu(float[] out, int outOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = Math.max(x[xOff + i], 0f);
    }
  }

  @Override
  public void reluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff,
      int n) {
    for (int i = 0; i < n; i++) {
      dx[dxOff + i] = x[xOff + i] > 0 ? dy[dyOff + i] : 0f;
    }
  }

  @Override
  public void leakyRelu(float[] out, int outOff, float[] x, int xOff, float alpha, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      out[outOff + i] = v > 0 ? v : alpha * v;
    }
  }

  @Override
  public void leakyReluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x,
      int xOff, float alpha, int n) {
    for (int i = 0; i < n; i++) {
      float g = dy[dyOff + i];
      dx[dxOff + i] = x[xOff + i] > 0 ? g : alpha * g;
    }
  }

  @Override
  public void sigmoid(float[] out, int outOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = (float) (1 / (1 + Math.exp(-x[xOff + i])));
    }
  }

  @Override
  public void sigmoidBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y, int yOff,
      int n) {
    for (int i = 0; i < n; i++) {
      float s = y[yOff + i];
      dx[dxOff + i] = dy[dyOff + i] * s * (1 - s);
    }
  }

  @Override
  public void tanh(float[] out, int outOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = (float) Math.tanh(x[xOff + i]);
    }
  }

  @Override
  public void tanhBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y, int yOff,
      int n) {
    for (int i = 0; i < n; i++) {
      float t = y[yOff + i];
      dx[dxOff + i] = dy[dyOff + i] * (1 - t * t);
    }
  }

  @Override
  public void exp(float[] out, int outOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = (float) Math.exp(x[xOff + i]);
    }
  }

  @Override
  public void expBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y, int yOff,
      int n) {
    for (int i = 0; i < n; i++) {
      dx[dxOff + i] = dy[dyOff + i] * y[yOff + i];
    }
  }

  @Override
  public void gelu(float[] out, int outOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      double v = x[xOff + i];
      double g;
      if (v > GELU_SATURATION) {
        g = v;
      } else if (v < -GELU_SATURATION) {
        g = 0;
      } else {
        g = 0.5 * v * (1 + Math.tanh(GELU_SCALE * (v + GELU_CUBIC * v * v * v)));
      }
      out[outOff + i] = (float) g;
    }
  }

  @Override
  public void geluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff,
      int n) {
    for (int i = 0; i < n; i++) {
      double v = x[xOff + i];
      double d;
      if (v > GELU_SATURATION) {
        d = 1;
      } else if (v < -GELU_SATURATION) {
        d = 0;
      } else {
        double t = Math.tanh(GELU_SCALE * (v + GELU_CUBIC * v * v * v));
        d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_SCALE * (1 + 3 * GELU_CUBIC * v * v);
      }
      dx[dxOff + i] = (float) (dy[dyOff + i] * d);
    }
  }

  @Override
  public void softplus(float[] out, int outOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      double v = x[xOff + i];
      out[outOff + i] = (float) (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
    }
  }

  @Override
  public void softplusBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff,
      int n) {
    for (int i = 0; i < n; i++) {
      double sigmoid = 1 / (1 + Math.exp(-x[xOff + i]));
      dx[dxOff + i] = (float) (dy[dyOff + i] * sigmoid);
    }
  }
}
