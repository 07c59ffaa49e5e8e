package dev.lanes.core.kernel;

/**
 * The fused gate math of the recurrent cells (LSTM, both GRU forms, the simple RNN), running the
 * kernels that {@link KernelProvider#get()} chose. See {@link RecurrentKernels} for the formulas,
 * the layout (a step's {@code rows} samples stored densely, gates side by side per sample in
 * PyTorch's order) and which arguments are read, written or added into.
 *
 * <p>Every method checks its sizes and array extents and throws {@link IllegalArgumentException}
 * naming the kernel and the argument, for example
 * {@code lstmForward: gates needs 512 elements from offset 0, but its array has 256}.
 *
 * <p>A recurrent layer's step, for the LSTM: {@code Gemm.sgemm} adds {@code h_{t−1}·W_hhᵀ} into
 * the step's gates block (which already holds {@code x_t·W_ihᵀ + b}), then {@link #lstmForward}
 * turns it into h_t and c_t in one pass.
 */
public final class Recurrent {
  private static final RecurrentKernels K = KernelProvider.get().recurrent();

  private Recurrent() {}

  public static void lstmForward(float[] h, int hOff, float[] c, int cOff, float[] tanhC,
      int tanhCOff, float[] gates, int gatesOff, float[] cPrev, int cPrevOff, int rows,
      int hidden) {
    String k = "lstmForward";
    long state = Checks.product(k, "(rows, hidden)", rows, hidden);
    Checks.range(k, "h", h, hOff, state);
    Checks.range(k, "c", c, cOff, state);
    Checks.range(k, "tanhC", tanhC, tanhCOff, state);
    Checks.range(k, "gates", gates, gatesOff, 4 * state);
    Checks.range(k, "cPrev", cPrev, cPrevOff, state);
    K.lstmForward(h, hOff, c, cOff, tanhC, tanhCOff, gates, gatesOff, cPrev, cPrevOff, rows,
        hidden);
  }

  public static void lstmBackward(float[] dGates, int dGatesOff, float[] dc, int dcOff,
      float[] dh, int dhOff, float[] gates, int gatesOff, float[] tanhC, int tanhCOff,
      float[] cPrev, int cPrevOff, int rows, int hidden) {
    String k = "lstmBackward";
    long state = Checks.product(k, "(rows, hidden)", rows, hidden);
    Checks.range(k, "dGates", dGates, dGatesOff, 4 * state);
    Checks.range(k, "dc", dc, dcOff, state);
    Checks.range(k, "dh", dh, dhOff, state);
    Checks.range(k, "gates", gates, gatesOff, 4 * state);
    Checks.range(k, "tanhC", tanhC, tanhCOff, state);
    Checks.range(k, "cPrev", cPrev, cPrevOff, state);
    K.lstmBackward(dGates, dGatesOff, dc, dcOff, dh, dhOff, gates, gatesOff, tanhC, tanhCOff,
        cPrev, cPrevOff, rows, hidden);
  }

  public static void gruForward(float[] h, int hOff, float[] gates, int gatesOff, float[] hh,
      int hhOff, float[] bhn, int bhnOff, float[] hPrev, int hPrevOff, int rows, int hidden) {
    String k = "gruForward";
    long state = Checks.product(k, "(rows, hidden)", rows, hidden);
    Checks.range(k, "h", h, hOff, state);
    Checks.range(k, "gates", gates, gatesOff, 3 * state);
    Checks.range(k, "hh", hh, hhOff, 3 * state);
    Checks.range(k, "bhn", bhn, bhnOff, hidden);
    Checks.range(k, "hPrev", hPrev, hPrevOff, state);
    K.gruForward(h, hOff, gates, gatesOff, hh, hhOff, bhn, bhnOff, hPrev, hPrevOff, rows, hidden);
  }

  public static void gruBackward(float[] dGates, int dGatesOff, float[] dHh, int dHhOff,
      float[] dhPrev, int dhPrevOff, float[] dh, int dhOff, float[] gates, int gatesOff,
      float[] hh, int hhOff, float[] hPrev, int hPrevOff, int rows, int hidden) {
    String k = "gruBackward";
    long state = Checks.product(k, "(rows, hidden)", rows, hidden);
    Checks.range(k, "dGates", dGates, dGatesOff, 3 * state);
    Checks.range(k, "dHh", dHh, dHhOff, 3 * state);
    Checks.range(k, "dhPrev", dhPrev, dhPrevOff, state);
    Checks.range(k, "dh", dh, dhOff, state);
    Checks.range(k, "gates", gates, gatesOff, 3 * state);
    Checks.range(k, "hh", hh, hhOff, 3 * state);
    Checks.range(k, "hPrev", hPrev, hPrevOff, state);
    K.gruBackward(dGates, dGatesOff, dHh, dHhOff, dhPrev, dhPrevOff, dh, dhOff, gates, gatesOff,
        hh, hhOff, hPrev, hPrevOff, rows, hidden);
  }

  public static void gruChoReset(float[] rh, int rhOff, float[] gates, int gatesOff,
      float[] hPrev, int hPrevOff, int rows, int hidden) {
    String k = "gruChoReset";
    long state = Checks.product(k, "(rows, hidden)", rows, hidden);
    Checks.range(k, "rh", rh, rhOff, state);
    Checks.range(k, "gates", gates, gatesOff, 3 * state);
    Checks.range(k, "hPrev", hPrev, hPrevOff, state);
    K.gruChoReset(rh, rhOff, gates, gatesOff, hPrev, hPrevOff, rows, hidden);
  }

  public static void gruChoOutput(float[] h, int hOff, float[] gates, int gatesOff,
      float[] hPrev, int hPrevOff, int rows, int hidden) {
    String k = "gruChoOutput";
    long state = Checks.product(k, "(rows, hidden)", rows, hidden);
    Checks.range(k, "h", h, hOff, state);
    Checks.range(k, "gates", gates, gatesOff, 3 * state);
    Checks.range(k, "hPrev", hPrev, hPrevOff, state);
    K.gruChoOutput(h, hOff, gates, gatesOff, hPrev, hPrevOff, rows, hidden);
  }

  public static void gruChoOutputBackward(float[] dGates, int dGatesOff, float[] dhPrev,
      int dhPrevOff, float[] dh, int dhOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int rows, int hidden) {
    String k = "gruChoOutputBackward";
    long state = Checks.product(k, "(rows, hidden)", rows, hidden);
    Checks.range(k, "dGates", dGates, dGatesOff, 3 * state);
    Checks.range(k, "dhPrev", dhPrev, dhPrevOff, state);
    Checks.range(k, "dh", dh, dhOff, state);
    Checks.range(k, "gates", gates, gatesOff, 3 * state);
    Checks.range(k, "hPrev", hPrev, hPrevOff, state);
    K.gruChoOutputBackward(dGates, dGatesOff, dhPrev, dhPrevOff, dh, dhOff, gates, gatesOff,
        hPrev, hPrevOff, rows, hidden);
  }

  public static void gruChoResetBackward(float[] dGates, int dGatesOff, float[] dhPrev,
      int dhPrevOff, float[] dRh, int dRhOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int rows, int hidden) {
    String k = "gruChoResetBackward";
    long state = Checks.product(k, "(rows, hidden)", rows, hidden);
    Checks.range(k, "dGates", dGates, dGatesOff, 3 * state);
    Checks.range(k, "dhPrev", dhPrev, dhPrevOff, state);
    Checks.range(k, "dRh", dRh, dRhOff, state);
    Checks.range(k, "gates", gates, gatesOff, 3 * state);
    Checks.range(k, "hPrev", hPrev, hPrevOff, state);
    K.gruChoResetBackward(dGates, dGatesOff, dhPrev, dhPrevOff, dRh, dRhOff, gates, gatesOff,
        hPrev, hPrevOff, rows, hidden);
  }

  public static void rnnForward(float[] h, int hOff, float[] pre, int preOff, int n) {
    Checks.nonNegative("rnnForward", "n", n);
    Checks.range("rnnForward", "h", h, hOff, n);
    Checks.range("rnnForward", "pre", pre, preOff, n);
    K.rnnForward(h, hOff, pre, preOff, n);
  }

  public static void rnnBackward(float[] dPre, int dPreOff, float[] dh, int dhOff, float[] h,
      int hOff, int n) {
    Checks.nonNegative("rnnBackward", "n", n);
    Checks.range("rnnBackward", "dPre", dPre, dPreOff, n);
    Checks.range("rnnBackward", "dh", dh, dhOff, n);
    Checks.range("rnnBackward", "h", h, hOff, n);
    K.rnnBackward(dPre, dPreOff, dh, dhOff, h, hOff, n);
  }
}
