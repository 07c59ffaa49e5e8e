package dev.lanes.core.kernel;

/**
 * The gate math of one time step of the recurrent cells, fused into one pass over the batch:
 * everything between the step's matrix products. The matrix products themselves (the input
 * projection of all steps, the recurrent product of each step) are {@link Gemm}'s; the layers in
 * {@code dev.lanes.layers} call both.
 *
 * <p>Layout: a step works on {@code rows} samples stored densely, one after another. A state
 * (h, c, and their gradients) is {@code (rows, H)}; a gates block is {@code (rows, G·H)} with the
 * G gates of a sample side by side, in PyTorch's order: LSTM {@code [i | f | g | o]}, GRU
 * {@code [r | z | n]}, so that a gates block is exactly the output of {@code x·W_ihᵀ} (or
 * {@code h·W_hhᵀ}) for PyTorch's weight layout. "Preactivation" means the sum of the input and
 * the recurrent products and the biases, before the gate's nonlinearity.
 *
 * <p>Forward kernels overwrite their outputs and replace preactivations by the activated gates
 * in place: that is what the backward kernels read. Backward kernels overwrite the gate
 * gradients; the ones that add into {@code dhPrev} say so. σ is the logistic sigmoid.
 *
 * <p>Accuracy: the scalar reference evaluates each stored value in double from the float values
 * stored before it and rounds once. The SIMD implementation computes in float; its tanh may be
 * the form {@code 2·σ(2x) − 1}, whose absolute error is about 2e-7 (a few ulp of 1) but whose
 * relative error near 0 is not small. Arguments are checked by the {@link Recurrent} facade.
 */
public interface RecurrentKernels {
  /**
   * LSTM forward step (PyTorch's {@code nn.LSTM}):
   * <pre>
   *   i = σ(pre_i)   f = σ(pre_f)   g = tanh(pre_g)   o = σ(pre_o)
   *   c = f ⊙ cPrev + i ⊙ g         h = o ⊙ tanh(c)
   * </pre>
   *
   * @param h out, (rows, H)
   * @param c out, (rows, H)
   * @param tanhC out, (rows, H): tanh(c), kept for backward
   * @param gates in: the preactivations (rows, 4H) {@code [i|f|g|o]}; out: i, f, g, o
   * @param cPrev in, (rows, H)
   */
  void lstmForward(float[] h, int hOff, float[] c, int cOff, float[] tanhC, int tanhCOff,
      float[] gates, int gatesOff, float[] cPrev, int cPrevOff, int rows, int hidden);

  /**
   * LSTM backward step. With the forward above and dc the gradient that reaches c from later
   * steps:
   * <pre>
   *   dC    = dc + dh ⊙ o ⊙ (1 − tanh²(c))
   *   dpre_i = dC ⊙ g ⊙ i(1 − i)        dpre_f = dC ⊙ cPrev ⊙ f(1 − f)
   *   dpre_g = dC ⊙ i ⊙ (1 − g²)        dpre_o = dh ⊙ tanh(c) ⊙ o(1 − o)
   *   dc ← dC ⊙ f                         (the gradient of cPrev)
   * </pre>
   *
   * @param dGates out, (rows, 4H): the gradients of the preactivations
   * @param dc in: the gradient of c from later steps; out: the gradient of cPrev, (rows, H)
   * @param dh in: the gradient of h (from the output and from later steps), (rows, H)
   * @param gates in: the activated gates the forward step left, (rows, 4H)
   * @param tanhC in: tanh(c) from the forward step
   * @param cPrev in
   */
  void lstmBackward(float[] dGates, int dGatesOff, float[] dc, int dcOff, float[] dh, int dhOff,
      float[] gates, int gatesOff, float[] tanhC, int tanhCOff, float[] cPrev, int cPrevOff,
      int rows, int hidden);

  /**
   * GRU forward step, reset after the recurrent product (PyTorch's {@code nn.GRU}, cuDNN):
   * <pre>
   *   r = σ(x_r + hh_r)   z = σ(x_z + hh_z)   s = hh_n + b_hn
   *   n = tanh(x_n + r ⊙ s)                   h = (1 − z) ⊙ n + z ⊙ hPrev
   * </pre>
   * where x is the input part of the preactivations (with both biases of r and z, and b_in) and
   * hh = hPrev·W_hhᵀ without bias.
   *
   * @param h out, (rows, H)
   * @param gates in: x (rows, 3H) {@code [r|z|n]}; out: r, z, n
   * @param hh in: hPrev·W_hhᵀ (rows, 3H); out: its n block becomes s (kept for backward), the
   *     r and z blocks are left as they were
   * @param bhn in, (H): the recurrent bias of n
   * @param hPrev in, (rows, H)
   */
  void gruForward(float[] h, int hOff, float[] gates, int gatesOff, float[] hh, int hhOff,
      float[] bhn, int bhnOff, float[] hPrev, int hPrevOff, int rows, int hidden);

  /**
   * GRU backward step, reset after:
   * <pre>
   *   dpre_n = dh ⊙ (1 − z) ⊙ (1 − n²)
   *   dpre_z = dh ⊙ (hPrev − n) ⊙ z(1 − z)
   *   dpre_r = dpre_n ⊙ s ⊙ r(1 − r)
   *   dGates = [dpre_r | dpre_z | dpre_n]           (the input part's gradient)
   *   dHh    = [dpre_r | dpre_z | dpre_n ⊙ r]       (the gradient of hPrev·W_hhᵀ + b_hh)
   *   dhPrev += dh ⊙ z                              (the direct path; dHh·W_hh is a GEMM)
   * </pre>
   *
   * @param dGates out, (rows, 3H)
   * @param dHh out, (rows, 3H)
   * @param dhPrev in/out: adds, (rows, H)
   * @param dh in, (rows, H)
   * @param gates in: r, z, n from the forward step
   * @param hh in: the forward step's hh, whose n block holds s
   * @param hPrev in
   */
  void gruBackward(float[] dGates, int dGatesOff, float[] dHh, int dHhOff, float[] dhPrev,
      int dhPrevOff, float[] dh, int dhOff, float[] gates, int gatesOff, float[] hh, int hhOff,
      float[] hPrev, int hPrevOff, int rows, int hidden);

  /**
   * GRU forward step, reset before the recurrent product (Cho et al. 2014), first half: with
   * the r and z blocks of {@code gates} holding the full preactivations,
   * {@code r = σ(pre_r), z = σ(pre_z), rh = r ⊙ hPrev}. The n block is not touched: its
   * recurrent part {@code rh·W_hnᵀ} is a GEMM on rh.
   *
   * @param rh out, (rows, H)
   * @param gates in/out: the r and z blocks of (rows, 3H)
   * @param hPrev in, (rows, H)
   */
  void gruChoReset(float[] rh, int rhOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int rows, int hidden);

  /**
   * GRU forward step, reset before, second half: with the n block of {@code gates} holding the
   * full preactivation, {@code n = tanh(pre_n), h = (1 − z) ⊙ hPrev + z ⊙ n}.
   *
   * @param h out, (rows, H)
   * @param gates in: z; in/out: the n block, preactivation in, n out
   * @param hPrev in
   */
  void gruChoOutput(float[] h, int hOff, float[] gates, int gatesOff, float[] hPrev,
      int hPrevOff, int rows, int hidden);

  /**
   * GRU backward step, reset before, first half (everything that does not need the gradient of
   * rh):
   * <pre>
   *   dpre_n = dh ⊙ z ⊙ (1 − n²)      dpre_z = dh ⊙ (n − hPrev) ⊙ z(1 − z)
   *   dhPrev += dh ⊙ (1 − z)
   * </pre>
   *
   * @param dGates out: the z and n blocks of (rows, 3H)
   * @param dhPrev in/out: adds
   */
  void gruChoOutputBackward(float[] dGates, int dGatesOff, float[] dhPrev, int dhPrevOff,
      float[] dh, int dhOff, float[] gates, int gatesOff, float[] hPrev, int hPrevOff,
      int rows, int hidden);

  /**
   * GRU backward step, reset before, second half: given {@code dRh = dpre_n·W_hn}, the gradient
   * of rh = r ⊙ hPrev,
   * <pre>
   *   dpre_r = dRh ⊙ hPrev ⊙ r(1 − r)      dhPrev += dRh ⊙ r
   * </pre>
   *
   * @param dGates out: the r block of (rows, 3H)
   * @param dhPrev in/out: adds
   * @param dRh in, (rows, H)
   */
  void gruChoResetBackward(float[] dGates, int dGatesOff, float[] dhPrev, int dhPrevOff,
      float[] dRh, int dRhOff, float[] gates, int gatesOff, float[] hPrev, int hPrevOff,
      int rows, int hidden);

  /** Simple RNN forward step on n values: {@code h = tanh(pre)}. */
  void rnnForward(float[] h, int hOff, float[] pre, int preOff, int n);

  /** Simple RNN backward step on n values, from the output h: {@code dPre = dh ⊙ (1 − h²)}. */
  void rnnBackward(float[] dPre, int dPreOff, float[] dh, int dhOff, float[] h, int hOff, int n);
}
