package dev.lanes.layers;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Gemm;
import dev.lanes.core.kernel.Recurrent;
import dev.lanes.core.parallel.RangeBody;

/**
 * The plain (Elman) recurrent layer, PyTorch's {@code nn.RNN} with its default tanh
 * (https://pytorch.org/docs/stable/generated/torch.nn.RNN.html):
 *
 * <pre>
 *   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 * </pre>
 *
 * Input (N, T, F), output (N, T, H) or (N, H); {@code weight_ih} (H, F), {@code weight_hh}
 * (H, H), {@code bias_ih} and {@code bias_hh} (H), as in PyTorch (see {@link RecurrentLayer}).
 * Its gradient through many steps is a product of {@code W_hh·diag(1 − h²)} factors, which
 * shrinks or explodes geometrically (Bengio et al. 1994): over long spans it learns far less
 * than {@link Lstm} or {@link Gru}.
 */
public final class SimpleRnn extends RecurrentLayer {
  /** {@code hiddenSize} ≥ 1 units; with {@code returnSequences} every step's h, else the last. */
  public record Config(int hiddenSize, boolean returnSequences) implements LayerConfig {
    public Config {
      if (hiddenSize < 1) {
        throw new IllegalArgumentException(
            "SimpleRnn: hiddenSize must be >= 1, got " + hiddenSize);
      }
    }

    /** The last step's output. */
    public Config(int hiddenSize) {
      this(hiddenSize, false);
    }

    public Config withReturnSequences(boolean sequences) {
      return new Config(hiddenSize, sequences);
    }

    @Override
    public SimpleRnn create(String name) {
      return new SimpleRnn(this, name);
    }
  }

  private final Config config;

  public SimpleRnn(Config config, String name) {
    super(name, config.hiddenSize(), 1, config.returnSequences());
    this.config = config;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  Run newRun() {
    return new RnnRun();
  }

  /** No state beyond h: the gates block is the preactivation, (T, N, H). */
  private final class RnnRun extends Run {
    private final RangeBody forwardRows = this::forwardRows;   // bound once: no allocation
    private final RangeBody backwardRows = this::backwardRows;

    @Override
    void sizeCell(int batch) {}

    @Override
    void sizeCellBackward(int batch) {}

    @Override
    void forwardStep(int t) {
      int state = n * hidden;
      // pre_t (N, H) += h_{t−1} (N, H) · W_hhᵀ (H, H); h_t = tanh(pre_t)
      Gemm.sgemm(false, false, n, hidden, hidden, 1f, hs, t * state, hidden, whhT, 0, hidden,
          1f, gates, t * state, hidden);
      overRows(t, forwardRows);
    }

    private void forwardRows(int from, int to) {
      int at = step * n * hidden + from * hidden;
      Recurrent.rnnForward(hs, at + n * hidden, gates, at, (to - from) * hidden);
    }

    @Override
    void backwardStep(int t) {
      int state = n * hidden;
      // forward was h_t = tanh(pre_t), so dpre_t = ∂L/∂h_t ⊙ (1 − h_t²) ...
      overRows(t, backwardRows);
      // ... and pre_t held h_{t−1}·W_hhᵀ: ∂L/∂h_{t−1} += dpre_t · W_hh
      Tensor whh = weightHh.value();
      Gemm.sgemm(false, false, n, hidden, hidden, 1f, dGates, t * state, hidden,
          whh.data(), whh.offset(), hidden, 1f, dh, t * state, hidden);
    }

    private void backwardRows(int from, int to) {
      int at = step * n * hidden + from * hidden;
      int next = at + n * hidden; // h_t and ∂L/∂h_t sit one block after step t's gates
      Recurrent.rnnBackward(dGates, at, dh, next, hs, next, (to - from) * hidden);
    }
  }
}
