package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Gemm;
import dev.lanes.core.kernel.Recurrent;
import dev.lanes.core.parallel.RangeBody;
import java.util.Arrays;

/**
 * Long short-term memory (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al.
 * 2000), exactly PyTorch's {@code nn.LSTM}
 * (https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html):
 *
 * <pre>
 *   i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
 *   c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
 * </pre>
 *
 * Input (N, T, F), output (N, T, H) or (N, H) (see {@link RecurrentLayer}). Parameters as in
 * PyTorch: {@code weight_ih} (4H, F) = [W_ii; W_if; W_ig; W_io], {@code weight_hh} (4H, H),
 * {@code bias_ih} and {@code bias_hh} (4H), gates in the order i, f, g, o; weights copied from a
 * PyTorch model give the same outputs. Initial state h0 and c0 zero unless set with
 * {@link #setInitialState(Tensor, Tensor)}.
 *
 * <pre>{@code
 * Lstm lstm = new Lstm.Config(128).withReturnSequences(true).create("lstm");
 * lstm.build(Shape.of(32, 64), new SplittableRandom(1));   // T = 32 steps of F = 64
 * Tensor h = lstm.forward(x, true);                         // (N, 32, 128)
 * }</pre>
 */
public final class Lstm extends RecurrentLayer {
  /**
   * {@code hiddenSize} ≥ 1 units; with {@code returnSequences} every step's h, else the last;
   * with {@code unitForgetBias} the forget gate's bias starts at 1 (bias_ih's f block 1,
   * bias_hh's 0), which helps gradients flow through c early in training (Jozefowicz et al.
   * 2015); PyTorch draws it like every other bias, which is the default here.
   */
  public record Config(int hiddenSize, boolean returnSequences, boolean unitForgetBias)
      implements LayerConfig {
    public Config {
      if (hiddenSize < 1) {
        throw new IllegalArgumentException("Lstm: hiddenSize must be >= 1, got " + hiddenSize);
      }
    }

    /** The last step's output, biases drawn as in PyTorch. */
    public Config(int hiddenSize) {
      this(hiddenSize, false, false);
    }

    public Config withReturnSequences(boolean sequences) {
      return new Config(hiddenSize, sequences, unitForgetBias);
    }

    public Config withUnitForgetBias(boolean unit) {
      return new Config(hiddenSize, returnSequences, unit);
    }

    @Override
    public Lstm create(String name) {
      return new Lstm(this, name);
    }
  }

  private final Config config;
  private Tensor initialCell;  // (N, H) or null for zeros

  public Lstm(Config config, String name) {
    super(name, config.hiddenSize(), 4, config.returnSequences());
    this.config = config;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  void initBiases() {
    if (config.unitForgetBias()) {
      Tensor bi = biasIh.value();
      Tensor bh = biasHh.value();
      Arrays.fill(bi.data(), bi.offset() + hidden, bi.offset() + 2 * hidden, 1f);
      Arrays.fill(bh.data(), bh.offset() + hidden, bh.offset() + 2 * hidden, 0f);
    }
  }

  /** Sets h0 (N, H) and c0 = 0; see {@link #setInitialState(Tensor, Tensor)}. */
  @Override
  public void setInitialState(Tensor h0) {
    setInitialState(h0, null);
  }

  /**
   * Sets the initial states h0 and c0, each (N, H) or null for zeros, for the following forward
   * passes until changed; they are read at every pass, not copied here.
   *
   * @throws IllegalArgumentException naming the layer if a state is not (N, H)
   */
  public void setInitialState(Tensor h0, Tensor c0) {
    super.setInitialState(h0);
    initialCell = checkState("initial cell state", c0);
  }

  /**
   * ∂L/∂c0 from the last backward pass, (N, H): a view valid until the next forward or backward.
   *
   * @throws IllegalStateException if no backward pass has run
   */
  public Tensor initialCellGradient() {
    LstmRun run = (LstmRun) backwardRun();
    return new Tensor(run.dc, 0, Shape.of(run.n, hidden));
  }

  @Override
  Run newRun() {
    return new LstmRun();
  }

  /** The LSTM's own buffers: the cell states, tanh of them, and the carried ∂L/∂c. */
  private final class LstmRun extends Run {
    float[] cs = new float[0];     // (T+1, N, H): c0, c_1, ..., c_T
    float[] tanhC = new float[0];  // (T, N, H): tanh(c_1), ..., kept for backward
    float[] dc = new float[0];     // (N, H): ∂L/∂c_t while going back, ∂L/∂c0 at the end
    private final RangeBody forwardRows = this::forwardRows;   // bound once: no allocation
    private final RangeBody backwardRows = this::backwardRows;

    @Override
    void sizeCell(int batch) {
      cs = grow(cs, (long) (steps + 1) * batch * hidden);
      tanhC = grow(tanhC, (long) steps * batch * hidden);
    }

    @Override
    void sizeCellBackward(int batch) {
      dc = grow(dc, (long) batch * hidden);
    }

    @Override
    void startForward() {
      loadState("initial cell state", initialCell, cs, 0, n);
    }

    @Override
    void forwardStep(int t) {
      int state = n * hidden;
      int g = t * n * 4 * hidden;
      // gates_t (N, 4H) += h_{t−1} (N, H) · W_hhᵀ (H, 4H)
      Gemm.sgemm(false, false, n, 4 * hidden, hidden, 1f, hs, t * state, hidden,
          whhT, 0, 4 * hidden, 1f, gates, g, 4 * hidden);
      overRows(t, forwardRows);
    }

    private void forwardRows(int from, int to) {
      int s = (step * n + from) * hidden;     // row `from` of state block t (c_{t−1}, tanh c_t)
      int next = s + n * hidden;              // and of block t + 1 (h_t, c_t)
      int g = (step * n + from) * 4 * hidden;
      Recurrent.lstmForward(hs, next, cs, next, tanhC, s, gates, g, cs, s, to - from, hidden);
    }

    @Override
    void startBackward() {
      Arrays.fill(dc, 0, n * hidden, 0f); // c_T is no output: nothing reaches it from later
    }

    @Override
    void backwardStep(int t) {
      int state = n * hidden;
      int g = t * n * 4 * hidden;
      // forward was c_t = f·c_{t−1} + i·g, h_t = o·tanh(c_t): the kernel gives dG_t and ∂L/∂c_{t−1}
      overRows(t, backwardRows);
      // and pre_t held h_{t−1}·W_hhᵀ, so ∂L/∂h_{t−1} (N, H) += dG_t (N, 4H) · W_hh (4H, H)
      Tensor whh = weightHh.value();
      Gemm.sgemm(false, false, n, hidden, 4 * hidden, 1f, dGates, g, 4 * hidden,
          whh.data(), whh.offset(), hidden, 1f, dh, t * state, hidden);
    }

    private void backwardRows(int from, int to) {
      int s = (step * n + from) * hidden;
      int g = (step * n + from) * 4 * hidden;
      Recurrent.lstmBackward(dGates, g, dc, from * hidden, dh, s + n * hidden, gates, g, tanhC, s,
          cs, s, to - from, hidden);
    }
  }
}
