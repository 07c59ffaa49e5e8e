package dev.lanes.layers;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Gemm;
import dev.lanes.core.kernel.Recurrent;
import dev.lanes.core.kernel.Reductions;
import dev.lanes.core.parallel.RangeBody;
import java.util.Objects;

/**
 * Gated recurrent unit (Cho et al. 2014), in either of its two published forms.
 *
 * <p>{@link Variant#PYTORCH}, reset after the recurrent product: exactly PyTorch's
 * {@code nn.GRU} (https://pytorch.org/docs/stable/generated/torch.nn.GRU.html) and cuDNN's GRU,
 * Keras' {@code reset_after=True}:
 * <pre>
 *   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 *
 * <p>{@link Variant#CHO}, reset before the recurrent product: the original paper's equations,
 * {@code z = σ(W_z·[h, x])}, {@code r = σ(W_r·[h, x])}, {@code h̃ = tanh(W·[r ⊙ h, x])},
 * {@code h' = (1 − z) ⊙ h + z ⊙ h̃}, with biases:
 * <pre>
 *   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n  = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
 *   h' = (1 − z) ⊙ h + z ⊙ n
 * </pre>
 * Note the two differences: r multiplies h before W_hn rather than after, and z weights the new
 * candidate n here but the old h in the PyTorch form. (The paper's W_z·[h, x] is
 * {@code W_hz h + W_iz x}: the concatenated weight split in two; its single bias is
 * {@code b_iz + b_hz}.)
 *
 * <p>Both variants have the same parameters, in PyTorch's layout and names: {@code weight_ih}
 * (3H, F) = [W_ir; W_iz; W_in], {@code weight_hh} (3H, H) = [W_hr; W_hz; W_hn], {@code bias_ih}
 * and {@code bias_hh} (3H), gates in the order r, z, n. In the CHO form b_in and b_hn add up to
 * one bias, kept as two so that both variants read and write the same files. Input (N, T, F),
 * output (N, T, H) or (N, H), initial state as in {@link RecurrentLayer}.
 *
 * <p>Speed: the PyTorch form needs one recurrent GEMM per step, (N, H)·(H, 3H), into its own
 * buffer because b_hn and r come after it. The CHO form needs two, since W_hn multiplies
 * r ⊙ h and r depends on the first: (N, H)·(H, 2H), the reset gate, then (N, H)·(H, H); this is
 * why cuDNN and PyTorch chose the reset-after form.
 */
public final class Gru extends RecurrentLayer {
  /** Which GRU: reset after the recurrent product (PyTorch) or before it (Cho et al.). */
  public enum Variant {
    /** {@code n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h}. */
    PYTORCH,
    /** {@code n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn), h' = (1 − z) ⊙ h + z ⊙ n}. */
    CHO
  }

  /** {@code hiddenSize} ≥ 1 units; with {@code returnSequences} every step's h; the variant. */
  public record Config(int hiddenSize, boolean returnSequences, Variant variant)
      implements LayerConfig {
    public Config {
      if (hiddenSize < 1) {
        throw new IllegalArgumentException("Gru: hiddenSize must be >= 1, got " + hiddenSize);
      }
      Objects.requireNonNull(variant, "Gru: variant is null; use Variant.PYTORCH or Variant.CHO");
    }

    /** PyTorch's GRU, the last step's output. */
    public Config(int hiddenSize) {
      this(hiddenSize, false, Variant.PYTORCH);
    }

    public Config withReturnSequences(boolean sequences) {
      return new Config(hiddenSize, sequences, variant);
    }

    public Config withVariant(Variant v) {
      return new Config(hiddenSize, returnSequences, v);
    }

    @Override
    public Gru create(String name) {
      return new Gru(this, name);
    }
  }

  private final Config config;

  public Gru(Config config, String name) {
    super(name, config.hiddenSize(), 3, config.returnSequences());
    this.config = config;
  }

  @Override
  public Config config() {
    return config;
  }

  /** PyTorch: b_hn sits inside r ⊙ (W_hn h + b_hn), so only b_hr and b_hz join the input's. */
  @Override
  void foldBias(float[] bias) {
    super.foldBias(bias);
    if (config.variant() == Variant.PYTORCH) {
      Tensor bi = biasIh.value();
      System.arraycopy(bi.data(), bi.offset() + 2 * hidden, bias, 2 * hidden, hidden);
    }
  }

  @Override
  Run newRun() {
    return config.variant() == Variant.PYTORCH ? new ResetAfterRun() : new ResetBeforeRun();
  }

  /** The PyTorch form: the recurrent product of each step kept apart from the input's. */
  private final class ResetAfterRun extends Run {
    float[] hh = new float[0];   // (T, N, 3H): h_{t−1}·W_hhᵀ, its n block then W_hn h + b_hn
    float[] dHh = new float[0];  // (T, N, 3H): ∂L/∂(h_{t−1}·W_hhᵀ + b_hh)
    private final RangeBody forwardRows = this::forwardRows;   // bound once: no allocation
    private final RangeBody backwardRows = this::backwardRows;

    @Override
    void sizeCell(int batch) {
      hh = grow(hh, (long) steps * batch * 3 * hidden);
    }

    @Override
    void sizeCellBackward(int batch) {
      dHh = grow(dHh, (long) steps * batch * 3 * hidden);
    }

    @Override
    void forwardStep(int t) {
      int state = n * hidden;
      int g = t * n * 3 * hidden;
      // hh_t (N, 3H) = h_{t−1} (N, H) · W_hhᵀ (H, 3H), without bias
      Gemm.sgemm(false, false, n, 3 * hidden, hidden, 1f, hs, t * state, hidden, whhT, 0,
          3 * hidden, 0f, hh, g, 3 * hidden);
      overRows(t, forwardRows);
    }

    private void forwardRows(int from, int to) {
      int s = (step * n + from) * hidden;
      int g = (step * n + from) * 3 * hidden;
      Tensor bh = biasHh.value();
      Recurrent.gruForward(hs, s + n * hidden, gates, g, hh, g, bh.data(),
          bh.offset() + 2 * hidden, hs, s, to - from, hidden);
    }

    @Override
    void backwardStep(int t) {
      int state = n * hidden;
      int g = t * n * 3 * hidden;
      // the kernel gives the input side's dG_t, the recurrent side's dHh_t and the direct z·dh
      overRows(t, backwardRows);
      // hh_t was h_{t−1}·W_hhᵀ: ∂L/∂h_{t−1} (N, H) += dHh_t (N, 3H) · W_hh (3H, H)
      Tensor whh = weightHh.value();
      Gemm.sgemm(false, false, n, hidden, 3 * hidden, 1f, dHh, g, 3 * hidden, whh.data(),
          whh.offset(), hidden, 1f, dh, t * state, hidden);
    }

    private void backwardRows(int from, int to) {
      int s = (step * n + from) * hidden;
      int g = (step * n + from) * 3 * hidden;
      Recurrent.gruBackward(dGates, g, dHh, g, dh, s, dh, s + n * hidden, gates, g, hh, g, hs, s,
          to - from, hidden);
    }

    /** W_hh and b_hh get dHh, whose n block is dpre_n ⊙ r, not the input side's dpre_n. */
    @Override
    void weightGradients() {
      inputWeightGradients(this);
      int gh = 3 * hidden;
      int rows = steps * n;
      Tensor dwhh = weightHh.grad();
      Gemm.sgemm(true, false, gh, hidden, rows, 1f, dHh, 0, gh, hs, 0, hidden,
          1f, dwhh.data(), dwhh.offset(), hidden);
      Reductions.addColumnSums(biasHh.grad().data(), biasHh.grad().offset(), dHh, 0, rows, gh);
    }
  }

  /** The CHO form: two recurrent GEMMs per step, with r ⊙ h kept for W_hn's gradient. */
  private final class ResetBeforeRun extends Run {
    float[] rh = new float[0];   // (T, N, H): r_t ⊙ h_{t−1}
    float[] dRh = new float[0];  // (N, H): ∂L/∂(r ⊙ h) of the current step
    private final RangeBody resetRows = this::resetRows;       // bound once: no allocation
    private final RangeBody outputRows = this::outputRows;
    private final RangeBody outputBackwardRows = this::outputBackwardRows;
    private final RangeBody resetBackwardRows = this::resetBackwardRows;

    @Override
    void sizeCell(int batch) {
      rh = grow(rh, (long) steps * batch * hidden);
    }

    @Override
    void sizeCellBackward(int batch) {
      dRh = grow(dRh, (long) batch * hidden);
    }

    @Override
    void forwardStep(int t) {
      int state = n * hidden;
      int g = t * n * 3 * hidden;
      int ld = 3 * hidden;
      // the r and z blocks of gates_t (N, 2H) += h_{t−1} (N, H) · W_h[r,z]ᵀ (H, 2H)
      Gemm.sgemm(false, false, n, 2 * hidden, hidden, 1f, hs, t * state, hidden, whhT, 0, ld,
          1f, gates, g, ld);
      overRows(t, resetRows);
      // the n block (N, H) += (r ⊙ h_{t−1}) (N, H) · W_hnᵀ (H, H)
      Gemm.sgemm(false, false, n, hidden, hidden, 1f, rh, t * state, hidden, whhT, 2 * hidden,
          ld, 1f, gates, g + 2 * hidden, ld);
      overRows(t, outputRows);
    }

    private void resetRows(int from, int to) {
      int s = (step * n + from) * hidden;
      Recurrent.gruChoReset(rh, s, gates, 3 * s, hs, s, to - from, hidden);
    }

    private void outputRows(int from, int to) {
      int s = (step * n + from) * hidden;
      Recurrent.gruChoOutput(hs, s + n * hidden, gates, 3 * s, hs, s, to - from, hidden);
    }

    @Override
    void backwardStep(int t) {
      int state = n * hidden;
      int g = t * n * 3 * hidden;
      int ld = 3 * hidden;
      Tensor whh = weightHh.value();
      // forward was h_t = (1 − z)·h_{t−1} + z·n: dpre_z, dpre_n and the direct (1 − z)·dh
      overRows(t, outputBackwardRows);
      // pre_n held (r ⊙ h)·W_hnᵀ: ∂L/∂(r ⊙ h) (N, H) = dpre_n (N, H) · W_hn (H, H)
      Gemm.sgemm(false, false, n, hidden, hidden, 1f, dGates, g + 2 * hidden, ld, whh.data(),
          whh.offset() + 2 * hidden * hidden, hidden, 0f, dRh, 0, hidden);
      // rh = r ⊙ h_{t−1}: dpre_r and ∂L/∂h_{t−1} += dRh ⊙ r
      overRows(t, resetBackwardRows);
      // pre_r, pre_z held h_{t−1}·W_h[r,z]ᵀ: ∂L/∂h_{t−1} += dpre_[r,z] (N, 2H) · W_h[r,z] (2H, H)
      Gemm.sgemm(false, false, n, hidden, 2 * hidden, 1f, dGates, g, ld, whh.data(),
          whh.offset(), hidden, 1f, dh, t * state, hidden);
    }

    private void outputBackwardRows(int from, int to) {
      int s = (step * n + from) * hidden;
      Recurrent.gruChoOutputBackward(dGates, 3 * s, dh, s, dh, s + n * hidden, gates, 3 * s, hs,
          s, to - from, hidden);
    }

    private void resetBackwardRows(int from, int to) {
      int s = (step * n + from) * hidden;
      Recurrent.gruChoResetBackward(dGates, 3 * s, dh, s, dRh, from * hidden, gates, 3 * s, hs, s,
          to - from, hidden);
    }

    /** W_h[r,z] multiplied h_{t−1}, W_hn multiplied r ⊙ h_{t−1}; both biases get Σ dG. */
    @Override
    void weightGradients() {
      inputWeightGradients(this);
      int gh = 3 * hidden;
      int rows = steps * n;
      Tensor dwhh = weightHh.grad();
      Gemm.sgemm(true, false, 2 * hidden, hidden, rows, 1f, dGates, 0, gh, hs, 0, hidden,
          1f, dwhh.data(), dwhh.offset(), hidden);
      Gemm.sgemm(true, false, hidden, hidden, rows, 1f, dGates, 2 * hidden, gh, rh, 0, hidden,
          1f, dwhh.data(), dwhh.offset() + 2 * hidden * hidden, hidden);
      sameBiasGradient(this);
    }
  }
}
