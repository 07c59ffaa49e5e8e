package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;

import dev.lanes.core.kernel.RecurrentKernels;
import jdk.incubator.vector.FloatVector;

/**
 * The gate math of the recurrent cells on the Vector API: per sample, short passes over the
 * sample's row of gates (4H or 3H floats, in L1), each in whole vectors and a scalar loop for
 * the last H mod L. A forward step is one pass per nonlinearity: σ over the LSTM's [i | f] and
 * o blocks, tanh over g, then c, tanh(c) and h in one more; the GRU's σ over [r | z] of x + hh,
 * then n and h. They were one fused loop, but with {@link VectorMath#exp} (some 40 vector
 * operations) five exps in one method exceeded C2's inlining budget ("NodeCountInliningCutoff"):
 * the helpers taking vectors were left as calls, every vector was boxed, and an LSTM step
 * allocated 16 MB. Each pass now holds one exp, in a method of its own that takes no vectors.
 * The backward steps, without exp, stay one loop each.
 *
 * <p>exp is {@link VectorMath#exp}: the same bits before and after C2 compiles it, unlike the
 * Vector API's EXP, so a training run repeats exactly. tanh is computed as
 * {@code 2·σ(2x) − 1 = 2 / (1 + exp(−2x)) − 1}: one exp and one division, like a sigmoid.
 * Measured with the Vector API's EXP on this project's AVX2 machine (Zen 3), over data in L1:
 * EXP 0.46 ns per float, σ 0.91 ns, this tanh 1.00 ns, the Vector API's TANH 2.38 ns; an LSTM
 * step has two tanh per unit, so this saves about a third of its gate math. The price is
 * accuracy near 0: the absolute error was at most 1.8e-7 (1.5 ulp of 1) over 4 million
 * arguments with 1e-8 ≤ |x| ≤ 20 (the same with VectorMath.exp), but that is a large relative
 * error for small results (tanh(1e-7) comes out 0; at |x| = 0.1 the error is 1.1e-6 relative).
 * Gates and states are summed with values of order 1 whose own rounding is of that size, so it
 * does not matter here; the accurate tanh is {@code Activations.tanh}. A whole LSTM step (c,
 * tanh(c), h) stayed within 4.8e-7 of the exact reference on inputs as in
 * RecurrentPropertyTest.
 *
 * <p>The last H mod L units of a row (H not a multiple of the lane count) go through a scalar
 * loop of the same formulas in float, in a method of its own: masked vector code is what C1
 * cannot compile (its force-inlined fallback is huge: "out of virtual registers" for any method
 * with a few masked loads and stores), and a method that C1 compiled at tier 2 and then failed
 * at tier 3 can stay on the boxed fallback for good, as happened to sgemm's small-product path
 * (see SimdGemm.smallBroadcastA). With the tail out of the way each kernel compiles at every
 * tier. A mask that is all-true in the main loop instead ran 20-30% slower.
 */
final class SimdRecurrent implements RecurrentKernels {
  private static FloatVector sigmoid(FloatVector x) {
    return FloatVector.broadcast(F, 1f).div(VectorMath.exp(x.neg()).add(1f));
  }

  /** 2σ(2x) − 1: exp(−2x) overflows to +Inf for x below −44, and 2/Inf − 1 is the right −1. */
  private static FloatVector tanh(FloatVector x) {
    return FloatVector.broadcast(F, 2f).div(VectorMath.exp(x.mul(-2f)).add(1f)).sub(1f);
  }

  /** The tails' scalar σ, the same formula in float. */
  private static float sigmoid(float x) {
    return 1f / ((float) Math.exp(-x) + 1f);
  }

  /** The tails' scalar tanh, 2σ(2x) − 1 in float like the vectors'. */
  private static float tanh(float x) {
    return 2f / ((float) Math.exp(-2f * x) + 1f) - 1f;
  }

  private static float dSigmoid(float y) {
    return y * (-y + 1f);
  }

  private static float dTanh(float y) {
    return Math.fma(-y, y, 1f);
  }

  /** y·(1 − y), the sigmoid's derivative from its output. */
  private static FloatVector dSigmoid(FloatVector y) {
    return y.mul(y.neg().add(1f));
  }

  /** 1 − y², tanh's derivative from its output. */
  private static FloatVector dTanh(FloatVector y) {
    return y.neg().fma(y, FloatVector.broadcast(F, 1f));
  }

  @Override
  public void lstmForward(float[] h, int hOff, float[] c, int cOff, float[] tanhC, int tanhCOff,
      float[] gates, int gatesOff, float[] cPrev, int cPrevOff, int rows, int hidden) {
    for (int r = 0; r < rows; r++) {
      int g0 = gatesOff + r * 4 * hidden;
      int s0 = r * hidden;
      sigmoidInPlace(gates, g0, 2 * hidden);           // i and f, side by side
      tanhInPlace(gates, g0 + 2 * hidden, hidden);     // g
      sigmoidInPlace(gates, g0 + 3 * hidden, hidden);  // o
      lstmCell(h, hOff + s0, c, cOff + s0, tanhC, tanhCOff + s0, gates, g0, cPrev,
          cPrevOff + s0, hidden);
    }
  }

  /** One sample's c = f ⊙ cPrev + i ⊙ g, tanh(c) and h = o ⊙ tanh(c), from activated gates. */
  private static void lstmCell(float[] h, int hAt, float[] c, int cAt, float[] tanhC, int tcAt,
      float[] gates, int g0, float[] cPrev, int cpAt, int hidden) {
    int j = 0;
    for (int bound = F.loopBound(hidden); j < bound; j += L) {
      FloatVector i = FloatVector.fromArray(F, gates, g0 + j);
      FloatVector f = FloatVector.fromArray(F, gates, g0 + hidden + j);
      FloatVector g = FloatVector.fromArray(F, gates, g0 + 2 * hidden + j);
      FloatVector o = FloatVector.fromArray(F, gates, g0 + 3 * hidden + j);
      FloatVector cv = f.fma(FloatVector.fromArray(F, cPrev, cpAt + j), i.mul(g));
      FloatVector tc = tanh(cv);
      cv.intoArray(c, cAt + j);
      tc.intoArray(tanhC, tcAt + j);
      o.mul(tc).intoArray(h, hAt + j);
    }
    for (; j < hidden; j++) {
      float cv = Math.fma(gates[g0 + hidden + j], cPrev[cpAt + j],
          gates[g0 + j] * gates[g0 + 2 * hidden + j]);
      float tc = tanh(cv);
      c[cAt + j] = cv;
      tanhC[tcAt + j] = tc;
      h[hAt + j] = gates[g0 + 3 * hidden + j] * tc;
    }
  }

  /** a[off, off + n) ← σ(a). */
  private static void sigmoidInPlace(float[] a, int off, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      sigmoid(FloatVector.fromArray(F, a, off + i)).intoArray(a, off + i);
    }
    for (; i < n; i++) {
      a[off + i] = sigmoid(a[off + i]);
    }
  }

  /** a[off, off + n) ← tanh(a). */
  private static void tanhInPlace(float[] a, int off, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      tanh(FloatVector.fromArray(F, a, off + i)).intoArray(a, off + i);
    }
    for (; i < n; i++) {
      a[off + i] = tanh(a[off + i]);
    }
  }

  /** a[aOff, aOff + n) ← σ(a + b). */
  private static void sigmoidOfSum(float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      sigmoid(FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i)))
          .intoArray(a, aOff + i);
    }
    for (; i < n; i++) {
      a[aOff + i] = sigmoid(a[aOff + i] + b[bOff + i]);
    }
  }

  @Override
  public void lstmBackward(float[] dGates, int dGatesOff, float[] dc, int dcOff, float[] dh,
      int dhOff, float[] gates, int gatesOff, float[] tanhC, int tanhCOff, float[] cPrev,
      int cPrevOff, int rows, int hidden) {
    int bound = F.loopBound(hidden);
    for (int r = 0; r < rows; r++) {
      int g0 = gatesOff + r * 4 * hidden;
      int d0 = dGatesOff + r * 4 * hidden;
      int s0 = r * hidden;
      int j = 0;
      for (; j < bound; j += L) {
        FloatVector i = FloatVector.fromArray(F, gates, g0 + j);
        FloatVector f = FloatVector.fromArray(F, gates, g0 + hidden + j);
        FloatVector g = FloatVector.fromArray(F, gates, g0 + 2 * hidden + j);
        FloatVector o = FloatVector.fromArray(F, gates, g0 + 3 * hidden + j);
        FloatVector tc = FloatVector.fromArray(F, tanhC, tanhCOff + s0 + j);
        FloatVector dhv = FloatVector.fromArray(F, dh, dhOff + s0 + j);
        FloatVector dC = dhv.mul(o).fma(dTanh(tc), FloatVector.fromArray(F, dc, dcOff + s0 + j));
        dC.mul(g).mul(dSigmoid(i)).intoArray(dGates, d0 + j);
        dC.mul(FloatVector.fromArray(F, cPrev, cPrevOff + s0 + j)).mul(dSigmoid(f))
            .intoArray(dGates, d0 + hidden + j);
        dC.mul(i).mul(dTanh(g)).intoArray(dGates, d0 + 2 * hidden + j);
        dhv.mul(tc).mul(dSigmoid(o)).intoArray(dGates, d0 + 3 * hidden + j);
        dC.mul(f).intoArray(dc, dcOff + s0 + j);
      }
      if (j < hidden) {
        lstmBackwardTail(dGates, dGatesOff, dc, dcOff, dh, dhOff, gates, gatesOff, tanhC, tanhCOff,
            cPrev, cPrevOff, r, j, hidden);
      }
    }
  }

  /** The last units (fewer than a vector) of row r of {@link #lstmBackward}. */
  private static void lstmBackwardTail(float[] dGates, int dGatesOff, float[] dc, int dcOff,
      float[] dh, int dhOff, float[] gates, int gatesOff, float[] tanhC, int tanhCOff,
      float[] cPrev, int cPrevOff, int r, int j, int hidden) {
    int g0 = gatesOff + r * 4 * hidden;
    int d0 = dGatesOff + r * 4 * hidden;
    int s0 = r * hidden;
    for (; j < hidden; j++) {
      float i = gates[g0 + j];
      float f = gates[g0 + hidden + j];
      float g = gates[g0 + 2 * hidden + j];
      float o = gates[g0 + 3 * hidden + j];
      float tc = tanhC[tanhCOff + s0 + j];
      float dhv = dh[dhOff + s0 + j];
      float dC = Math.fma(dhv * o, dTanh(tc), dc[dcOff + s0 + j]);
      dGates[d0 + j] = dC * g * dSigmoid(i);
      dGates[d0 + hidden + j] = dC * cPrev[cPrevOff + s0 + j] * dSigmoid(f);
      dGates[d0 + 2 * hidden + j] = dC * i * dTanh(g);
      dGates[d0 + 3 * hidden + j] = dhv * tc * dSigmoid(o);
      dc[dcOff + s0 + j] = dC * f;
    }
  }

  @Override
  public void gruForward(float[] h, int hOff, float[] gates, int gatesOff, float[] hh, int hhOff,
      float[] bhn, int bhnOff, float[] hPrev, int hPrevOff, int rows, int hidden) {
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int q0 = hhOff + row * 3 * hidden;
      int s0 = row * hidden;
      sigmoidOfSum(gates, g0, hh, q0, 2 * hidden); // r and z, side by side
      gruCandidate(h, hOff + s0, gates, g0, hh, q0, bhn, bhnOff, hPrev, hPrevOff + s0, hidden);
    }
  }

  /** One sample's s = hh_n + b_hn, n = tanh(x_n + r ⊙ s), h = (1 − z) ⊙ n + z ⊙ hPrev. */
  private static void gruCandidate(float[] h, int hAt, float[] gates, int g0, float[] hh, int q0,
      float[] bhn, int bhnOff, float[] hPrev, int hpAt, int hidden) {
    int j = 0;
    for (int bound = F.loopBound(hidden); j < bound; j += L) {
      FloatVector r = FloatVector.fromArray(F, gates, g0 + j);
      FloatVector z = FloatVector.fromArray(F, gates, g0 + hidden + j);
      FloatVector s = FloatVector.fromArray(F, hh, q0 + 2 * hidden + j)
          .add(FloatVector.fromArray(F, bhn, bhnOff + j));
      FloatVector n = tanh(r.fma(s, FloatVector.fromArray(F, gates, g0 + 2 * hidden + j)));
      n.intoArray(gates, g0 + 2 * hidden + j);
      s.intoArray(hh, q0 + 2 * hidden + j);
      // (1 − z)·n + z·hPrev = n + z·(hPrev − n)
      z.fma(FloatVector.fromArray(F, hPrev, hpAt + j).sub(n), n).intoArray(h, hAt + j);
    }
    for (; j < hidden; j++) {
      float s = hh[q0 + 2 * hidden + j] + bhn[bhnOff + j];
      float n = tanh(Math.fma(gates[g0 + j], s, gates[g0 + 2 * hidden + j]));
      gates[g0 + 2 * hidden + j] = n;
      hh[q0 + 2 * hidden + j] = s;
      h[hAt + j] = Math.fma(gates[g0 + hidden + j], hPrev[hpAt + j] - n, n);
    }
  }

  @Override
  public void gruBackward(float[] dGates, int dGatesOff, float[] dHh, int dHhOff, float[] dhPrev,
      int dhPrevOff, float[] dh, int dhOff, float[] gates, int gatesOff, float[] hh, int hhOff,
      float[] hPrev, int hPrevOff, int rows, int hidden) {
    int bound = F.loopBound(hidden);
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int q0 = hhOff + row * 3 * hidden;
      int d0 = dGatesOff + row * 3 * hidden;
      int e0 = dHhOff + row * 3 * hidden;
      int s0 = row * hidden;
      int j = 0;
      for (; j < bound; j += L) {
        FloatVector r = FloatVector.fromArray(F, gates, g0 + j);
        FloatVector z = FloatVector.fromArray(F, gates, g0 + hidden + j);
        FloatVector n = FloatVector.fromArray(F, gates, g0 + 2 * hidden + j);
        FloatVector s = FloatVector.fromArray(F, hh, q0 + 2 * hidden + j);
        FloatVector hp = FloatVector.fromArray(F, hPrev, hPrevOff + s0 + j);
        FloatVector dhv = FloatVector.fromArray(F, dh, dhOff + s0 + j);
        FloatVector dPreN = dhv.mul(z.neg().add(1f)).mul(dTanh(n));
        FloatVector dPreZ = dhv.mul(hp.sub(n)).mul(dSigmoid(z));
        FloatVector dPreR = dPreN.mul(s).mul(dSigmoid(r));
        dPreR.intoArray(dGates, d0 + j);
        dPreZ.intoArray(dGates, d0 + hidden + j);
        dPreN.intoArray(dGates, d0 + 2 * hidden + j);
        dPreR.intoArray(dHh, e0 + j);
        dPreZ.intoArray(dHh, e0 + hidden + j);
        dPreN.mul(r).intoArray(dHh, e0 + 2 * hidden + j);
        dhv.fma(z, FloatVector.fromArray(F, dhPrev, dhPrevOff + s0 + j))
            .intoArray(dhPrev, dhPrevOff + s0 + j);
      }
      if (j < hidden) {
        gruBackwardTail(dGates, dGatesOff, dHh, dHhOff, dhPrev, dhPrevOff, dh, dhOff, gates,
            gatesOff, hh, hhOff, hPrev, hPrevOff, row, j, hidden);
      }
    }
  }

  /** The last units (fewer than a vector) of row row of {@link #gruBackward}. */
  private static void gruBackwardTail(float[] dGates, int dGatesOff, float[] dHh, int dHhOff,
      float[] dhPrev, int dhPrevOff, float[] dh, int dhOff, float[] gates, int gatesOff, float[] hh,
      int hhOff, float[] hPrev, int hPrevOff, int row, int j, int hidden) {
    int g0 = gatesOff + row * 3 * hidden;
    int q0 = hhOff + row * 3 * hidden;
    int d0 = dGatesOff + row * 3 * hidden;
    int e0 = dHhOff + row * 3 * hidden;
    int s0 = row * hidden;
    for (; j < hidden; j++) {
      float r = gates[g0 + j];
      float z = gates[g0 + hidden + j];
      float n = gates[g0 + 2 * hidden + j];
      float s = hh[q0 + 2 * hidden + j];
      float hp = hPrev[hPrevOff + s0 + j];
      float dhv = dh[dhOff + s0 + j];
      float dPreN = dhv * (-z + 1f) * dTanh(n);
      float dPreZ = dhv * (hp - n) * dSigmoid(z);
      float dPreR = dPreN * s * dSigmoid(r);
      dGates[d0 + j] = dPreR;
      dGates[d0 + hidden + j] = dPreZ;
      dGates[d0 + 2 * hidden + j] = dPreN;
      dHh[e0 + j] = dPreR;
      dHh[e0 + hidden + j] = dPreZ;
      dHh[e0 + 2 * hidden + j] = dPreN * r;
      dhPrev[dhPrevOff + s0 + j] = Math.fma(dhv, z, dhPrev[dhPrevOff + s0 + j]);
    }
  }

  @Override
  public void gruChoReset(float[] rh, int rhOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int rows, int hidden) {
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int s0 = row * hidden;
      sigmoidInPlace(gates, g0, 2 * hidden); // r and z, side by side
      product(rh, rhOff + s0, gates, g0, hPrev, hPrevOff + s0, hidden); // rh = r ⊙ hPrev
    }
  }

  /** out[outOff, +n) ← a ⊙ b. */
  private static void product(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff,
      int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void gruChoOutput(float[] h, int hOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int rows, int hidden) {
    int bound = F.loopBound(hidden);
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int s0 = row * hidden;
      int j = 0;
      for (; j < bound; j += L) {
        FloatVector z = FloatVector.fromArray(F, gates, g0 + hidden + j);
        FloatVector n = tanh(FloatVector.fromArray(F, gates, g0 + 2 * hidden + j));
        n.intoArray(gates, g0 + 2 * hidden + j);
        // (1 − z)·hPrev + z·n = hPrev + z·(n − hPrev)
        FloatVector hp = FloatVector.fromArray(F, hPrev, hPrevOff + s0 + j);
        z.fma(n.sub(hp), hp).intoArray(h, hOff + s0 + j);
      }
      if (j < hidden) {
        gruChoOutputTail(h, hOff, gates, gatesOff, hPrev, hPrevOff, row, j, hidden);
      }
    }
  }

  /** The last units (fewer than a vector) of row row of {@link #gruChoOutput}. */
  private static void gruChoOutputTail(float[] h, int hOff, float[] gates, int gatesOff,
      float[] hPrev, int hPrevOff, int row, int j, int hidden) {
    int g0 = gatesOff + row * 3 * hidden;
    int s0 = row * hidden;
    for (; j < hidden; j++) {
      float z = gates[g0 + hidden + j];
      float n = tanh(gates[g0 + 2 * hidden + j]);
      gates[g0 + 2 * hidden + j] = n;
      float hp = hPrev[hPrevOff + s0 + j];
      h[hOff + s0 + j] = Math.fma(z, n - hp, hp);
    }
  }

  @Override
  public void gruChoOutputBackward(float[] dGates, int dGatesOff, float[] dhPrev, int dhPrevOff,
      float[] dh, int dhOff, float[] gates, int gatesOff, float[] hPrev, int hPrevOff, int rows,
      int hidden) {
    int bound = F.loopBound(hidden);
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int d0 = dGatesOff + row * 3 * hidden;
      int s0 = row * hidden;
      int j = 0;
      for (; j < bound; j += L) {
        FloatVector z = FloatVector.fromArray(F, gates, g0 + hidden + j);
        FloatVector n = FloatVector.fromArray(F, gates, g0 + 2 * hidden + j);
        FloatVector hp = FloatVector.fromArray(F, hPrev, hPrevOff + s0 + j);
        FloatVector dhv = FloatVector.fromArray(F, dh, dhOff + s0 + j);
        dhv.mul(n.sub(hp)).mul(dSigmoid(z)).intoArray(dGates, d0 + hidden + j);
        dhv.mul(z).mul(dTanh(n)).intoArray(dGates, d0 + 2 * hidden + j);
        dhv.fma(z.neg().add(1f), FloatVector.fromArray(F, dhPrev, dhPrevOff + s0 + j))
            .intoArray(dhPrev, dhPrevOff + s0 + j);
      }
      if (j < hidden) {
        gruChoOutputBackwardTail(dGates, dGatesOff, dhPrev, dhPrevOff, dh, dhOff, gates, gatesOff,
            hPrev, hPrevOff, row, j, hidden);
      }
    }
  }

  /** The last units (fewer than a vector) of row row of {@link #gruChoOutputBackward}. */
  private static void gruChoOutputBackwardTail(float[] dGates, int dGatesOff, float[] dhPrev,
      int dhPrevOff, float[] dh, int dhOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int row, int j, int hidden) {
    int g0 = gatesOff + row * 3 * hidden;
    int d0 = dGatesOff + row * 3 * hidden;
    int s0 = row * hidden;
    for (; j < hidden; j++) {
      float z = gates[g0 + hidden + j];
      float n = gates[g0 + 2 * hidden + j];
      float hp = hPrev[hPrevOff + s0 + j];
      float dhv = dh[dhOff + s0 + j];
      dGates[d0 + hidden + j] = dhv * (n - hp) * dSigmoid(z);
      dGates[d0 + 2 * hidden + j] = dhv * z * dTanh(n);
      dhPrev[dhPrevOff + s0 + j] = Math.fma(dhv, -z + 1f, dhPrev[dhPrevOff + s0 + j]);
    }
  }

  @Override
  public void gruChoResetBackward(float[] dGates, int dGatesOff, float[] dhPrev, int dhPrevOff,
      float[] dRh, int dRhOff, float[] gates, int gatesOff, float[] hPrev, int hPrevOff,
      int rows, int hidden) {
    int bound = F.loopBound(hidden);
    for (int row = 0; row < rows; row++) {
      int g0 = gatesOff + row * 3 * hidden;
      int d0 = dGatesOff + row * 3 * hidden;
      int s0 = row * hidden;
      int j = 0;
      for (; j < bound; j += L) {
        FloatVector r = FloatVector.fromArray(F, gates, g0 + j);
        FloatVector d = FloatVector.fromArray(F, dRh, dRhOff + s0 + j);
        d.mul(FloatVector.fromArray(F, hPrev, hPrevOff + s0 + j)).mul(dSigmoid(r))
            .intoArray(dGates, d0 + j);
        d.fma(r, FloatVector.fromArray(F, dhPrev, dhPrevOff + s0 + j))
            .intoArray(dhPrev, dhPrevOff + s0 + j);
      }
      if (j < hidden) {
        gruChoResetBackwardTail(dGates, dGatesOff, dhPrev, dhPrevOff, dRh, dRhOff, gates, gatesOff,
            hPrev, hPrevOff, row, j, hidden);
      }
    }
  }

  /** The last units (fewer than a vector) of row row of {@link #gruChoResetBackward}. */
  private static void gruChoResetBackwardTail(float[] dGates, int dGatesOff, float[] dhPrev,
      int dhPrevOff, float[] dRh, int dRhOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int row, int j, int hidden) {
    int g0 = gatesOff + row * 3 * hidden;
    int d0 = dGatesOff + row * 3 * hidden;
    int s0 = row * hidden;
    for (; j < hidden; j++) {
      float r = gates[g0 + j];
      float d = dRh[dRhOff + s0 + j];
      dGates[d0 + j] = d * hPrev[hPrevOff + s0 + j] * dSigmoid(r);
      dhPrev[dhPrevOff + s0 + j] = Math.fma(d, r, dhPrev[dhPrevOff + s0 + j]);
    }
  }

  @Override
  public void rnnForward(float[] h, int hOff, float[] pre, int preOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      tanh(FloatVector.fromArray(F, pre, preOff + i)).intoArray(h, hOff + i);
    }
    for (; i < n; i++) {
      h[hOff + i] = tanh(pre[preOff + i]);
    }
  }

  @Override
  public void rnnBackward(float[] dPre, int dPreOff, float[] dh, int dhOff, float[] h, int hOff,
      int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, dh, dhOff + i).mul(dTanh(FloatVector.fromArray(F, h, hOff + i)))
          .intoArray(dPre, dPreOff + i);
    }
    for (; i < n; i++) {
      dPre[dPreOff + i] = dh[dhOff + i] * dTanh(h[hOff + i]);
    }
  }
}
