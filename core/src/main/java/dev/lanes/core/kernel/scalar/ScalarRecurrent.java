package dev.lanes.core.kernel.scalar;

import dev.lanes.core.kernel.RecurrentKernels;

/**
 * Reference gate math of the recurrent cells: each stored value is evaluated in double from the
 * float values stored before it (the activated gates, c, the inputs) and rounded once, so every
 * output is as accurate as a float can be given those values. The loops follow the formulas of
 * {@link RecurrentKernels} line by line; sample r's gate k, unit j sits at
 * {@code gates[off + r·G·H + k·H + j]}.
 */
public final class ScalarRecurrent implements RecurrentKernels {
  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Override
  public void lstmForward(float[] h, int hOff, float[] c, int cOff, float[] tanhC, int tanhCOff,
      float[] gates, int gatesOff, float[] cPrev, int cPrevOff, int rows, int hidden) {
    for (int r = 0; r < rows; r++) {
      int g0 = gatesOff + r * 4 * hidden;
      int s0 = r * hidden;
      for (int j = 0; j < hidden; j++) {
        int gi = g0 + j;
        int gf = gi + hidden;
        int gg = gf + hidden;
        int go = gg + hidden;
        float i = (float) sigmoid(gates[gi]);
        float f = (float) sigmoid(gates[gf]);
        float g = (float) Math.tanh(gates[gg]);
        float o = (float) sigmoid(gates[go]);
        gates[gi] = i;
        gates[gf] = f;
        gates[gg] = g;
        gates[go] = o;
        float cv = (float) ((double) f * cPrev[cPrevOff + s0 + j] + (double) i * g);
        float tc = (float) Math.tanh(cv);
        c[cOff + s0 + j] = cv;
        tanhC[tanhCOff + s0 + j] = tc;
        h[hOff + s0 + j] = (float) ((double) o * tc);
      }
    }
  }

  @Override
  public void lstmBackward(float[] dGates, int dGatesOff, float[] dc, int dcOff, float[] dh,
      int dhOff, float[] gates, int gatesOff, float[] tanhC, int tanhCOff, float[] cPrev,
      int cPrevOff, int rows, int hidden) {
    for (int r = 0; r < rows; r++) {
      int g0 = gatesOff + r * 4 * hidden;
      int d0 = dGatesOff + r * 4 * hidden;
      int s0 = r * hidden;
      for (int j = 0; j < hidden; j++) {
        double i = gates[g0 + j];
        double f = gates[g0 + hidden + j];
        double g = gates[g0 + 2 * hidden + j];
        double o = gates[g0 + 3 * hidden + j];
        double tc = tanhC[tanhCOff + s0 + j];
        double dhv = dh[dhOff + s0 + j];
        // forward was h = o·tanh(c), c = f·cPrev + i·g
        double dC = dc[dcOff + s0 + j] + dhv * o * (1 - tc * tc);
        dGates[d0 + j] = (float) (dC * g * i * (1 - i));
        dGates[d0 + hidden + j] = (float) (dC * cPrev[cPrevOff + s0 + j] * f * (1 - f));
        dGates[d0 + 2 * hidden + j] = (float) (dC * i * (1 - g * g));
        dGates[d0 + 3 * hidden + j] = (float) (dhv * tc * o * (1 - o));
        dc[dcOff + s0 + j] = (float) (dC * f);
      }
    }
  }

  @Override
  public void gruForward(float[] h, int hOff, float[] gates, int gatesOff, float[] hh, int hhOff,
      float[] bhn, int bhnOff, float[] hPrev, int hPrevOff, int rows, int hidden) {
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int q0 = hhOff + row * 3 * hidden;
      int s0 = row * hidden;
      for (int j = 0; j < hidden; j++) {
        float r = (float) sigmoid((double) gates[g0 + j] + hh[q0 + j]);
        float z = (float) sigmoid((double) gates[g0 + hidden + j] + hh[q0 + hidden + j]);
        float s = (float) ((double) hh[q0 + 2 * hidden + j] + bhn[bhnOff + j]);
        float n = (float) Math.tanh(gates[g0 + 2 * hidden + j] + (double) r * s);
        gates[g0 + j] = r;
        gates[g0 + hidden + j] = z;
        gates[g0 + 2 * hidden + j] = n;
        hh[q0 + 2 * hidden + j] = s;
        h[hOff + s0 + j] = (float) ((1 - (double) z) * n + (double) z * hPrev[hPrevOff + s0 + j]);
      }
    }
  }

  @Override
  public void gruBackward(float[] dGates, int dGatesOff, float[] dHh, int dHhOff, float[] dhPrev,
      int dhPrevOff, float[] dh, int dhOff, float[] gates, int gatesOff, float[] hh, int hhOff,
      float[] hPrev, int hPrevOff, int rows, int hidden) {
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int q0 = hhOff + row * 3 * hidden;
      int d0 = dGatesOff + row * 3 * hidden;
      int e0 = dHhOff + row * 3 * hidden;
      int s0 = row * hidden;
      for (int j = 0; j < hidden; j++) {
        double r = gates[g0 + j];
        double z = gates[g0 + hidden + j];
        double n = gates[g0 + 2 * hidden + j];
        double s = hh[q0 + 2 * hidden + j];
        double hp = hPrev[hPrevOff + s0 + j];
        double dhv = dh[dhOff + s0 + j];
        // forward was h = (1 − z)·n + z·hPrev, n = tanh(x_n + r·s)
        double dPreN = dhv * (1 - z) * (1 - n * n);
        double dPreZ = dhv * (hp - n) * z * (1 - z);
        double dPreR = dPreN * s * r * (1 - r);
        dGates[d0 + j] = (float) dPreR;
        dGates[d0 + hidden + j] = (float) dPreZ;
        dGates[d0 + 2 * hidden + j] = (float) dPreN;
        dHh[e0 + j] = (float) dPreR;
        dHh[e0 + hidden + j] = (float) dPreZ;
        dHh[e0 + 2 * hidden + j] = (float) (dPreN * r);
        dhPrev[dhPrevOff + s0 + j] = (float) (dhPrev[dhPrevOff + s0 + j] + dhv * z);
      }
    }
  }

  @Override
  public void gruChoReset(float[] rh, int rhOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int rows, int hidden) {
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int s0 = row * hidden;
      for (int j = 0; j < hidden; j++) {
        float r = (float) sigmoid(gates[g0 + j]);
        gates[g0 + j] = r;
        gates[g0 + hidden + j] = (float) sigmoid(gates[g0 + hidden + j]);
        rh[rhOff + s0 + j] = (float) ((double) r * hPrev[hPrevOff + s0 + j]);
      }
    }
  }

  @Override
  public void gruChoOutput(float[] h, int hOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int rows, int hidden) {
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int s0 = row * hidden;
      for (int j = 0; j < hidden; j++) {
        double z = gates[g0 + hidden + j];
        float n = (float) Math.tanh(gates[g0 + 2 * hidden + j]);
        gates[g0 + 2 * hidden + j] = n;
        h[hOff + s0 + j] = (float) ((1 - z) * hPrev[hPrevOff + s0 + j] + z * n);
      }
    }
  }

  @Override
  public void gruChoOutputBackward(float[] dGates, int dGatesOff, float[] dhPrev, int dhPrevOff,
      float[] dh, int dhOff, float[] gates, int gatesOff, float[] hPrev, int hPrevOff, int rows,
      int hidden) {
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int d0 = dGatesOff + row * 3 * hidden;
      int s0 = row * hidden;
      for (int j = 0; j < hidden; j++) {
        double z = gates[g0 + hidden + j];
        double n = gates[g0 + 2 * hidden + j];
        double hp = hPrev[hPrevOff + s0 + j];
        double dhv = dh[dhOff + s0 + j];
        // forward was h = (1 − z)·hPrev + z·n
        dGates[d0 + hidden + j] = (float) (dhv * (n - hp) * z * (1 - z));
        dGates[d0 + 2 * hidden + j] = (float) (dhv * z * (1 - n * n));
        dhPrev[dhPrevOff + s0 + j] = (float) (dhPrev[dhPrevOff + s0 + j] + dhv * (1 - z));
      }
    }
  }

  @Override
  public void gruChoResetBackward(float[] dGates, int dGatesOff, float[] dhPrev, int dhPrevOff,
      float[] dRh, int dRhOff, float[] gates, int gatesOff, float[] hPrev, int hPrevOff,
      int rows, int hidden) {
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int d0 = dGatesOff + row * 3 * hidden;
      int s0 = row * hidden;
      for (int j = 0; j < hidden; j++) {
        double r = gates[g0 + j];
        double d = dRh[dRhOff + s0 + j];
        // forward was rh = r·hPrev
        dGates[d0 + j] = (float) (d * hPrev[hPrevOff + s0 + j] * r * (1 - r));
        dhPrev[dhPrevOff + s0 + j] = (float) (dhPrev[dhPrevOff + s0 + j] + d * r);
      }
    }
  }

  @Override
  public void rnnForward(float[] h, int hOff, float[] pre, int preOff, int n) {
    for (int i = 0; i < n; i++) {
      h[hOff + i] = (float) Math.tanh(pre[preOff + i]);
    }
  }

  @Override
  public void rnnBackward(float[] dPre, int dPreOff, float[] dh, int dhOff, float[] h, int hOff,
      int n) {
    for (int i = 0; i < n; i++) {
      double y = h[hOff + i];
      dPre[dPreOff + i] = (float) (dh[dhOff + i] * (1 - y * y));
    }
  }
}
