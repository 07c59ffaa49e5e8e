package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Elementwise;
import dev.lanes.core.kernel.Gemm;
import dev.lanes.core.kernel.Reductions;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;
import dev.lanes.layers.init.Initializer;
import dev.lanes.layers.init.PyTorchDefault;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What {@link SimpleRnn}, {@link Lstm} and {@link Gru} share: the sequence loop around a cell.
 *
 * <p>Input (N, T, F), batch-first; output (N, T, H) with {@code returnSequences}, else the last
 * step's h, (N, H). T is fixed when the layer is built. Parameters in PyTorch's layout and names,
 * with G gates (1, 4 or 3): {@code weight_ih} (G·H, F), {@code weight_hh} (G·H, H),
 * {@code bias_ih} (G·H), {@code bias_hh} (G·H), all drawn from U(−1/√H, 1/√H) as PyTorch does.
 * Two layers stack when the first returns sequences.
 *
 * <p>The initial state h0 is zero unless {@link #setInitialState(Tensor)} gives one, (N, H),
 * which every following forward pass reads (not a copy: the caller may change its values between
 * batches) until it is set to null. After a backward pass {@link #initialStateGradient()} holds
 * ∂L/∂h0, computed whether or not h0 was given, so a caller can learn h0 or chain the layer
 * after another one's final state.
 *
 * <p>How it runs, as cuDNN, oneDNN and PyTorch do: internally everything is time-major, (T, N,
 * ·), so that each step's N rows are one block and h_{t−1} of every row of a (T·N) buffer is the
 * same row of the hidden-state buffer (T+1, N, H) one block earlier. Then
 * <ul>
 *   <li>forward: one GEMM projects the inputs of all steps, {@code gates = x·W_ihᵀ + b} as
 *       (T·N, F)·(F, G·H); each step adds {@code h_{t−1}·W_hhᵀ} with one GEMM (W_hh transposed
 *       once per pass, so the per-step GEMM packs its operand with vector copies) and runs the
 *       fused gate kernel of {@link dev.lanes.core.kernel.Recurrent};
 *   <li>backward, through time in reverse: per step the fused gate gradients go into the
 *       (T·N, G·H) buffer dG and one GEMM adds {@code dG_t·W_hh} into ∂L/∂h_{t−1}; after the
 *       loop three large GEMMs give {@code dW_ih += dGᵀ·x}, {@code dW_hh += dGᵀ·h_prev} and
 *       {@code dx = dG·W_ih}.
 * </ul>
 * The input and the returned sequence change layout once per pass, and their gradients once
 * back: whole rows of F or H floats, under 2% of a training step at N = 64, T = 32, F = 64,
 * H = 128. Buffers are sized by the first batch of a given size and reused: a training step in
 * steady state allocates nothing.
 */
public abstract sealed class RecurrentLayer extends AbstractLayer
    permits SimpleRnn, Lstm, Gru {
  /** PyTorch's RNN/LSTM/GRU initialization: U(±1/√H) for every weight and bias (fan-in H). */
  private static final Initializer INIT = new PyTorchDefault();
  private static final float[] EMPTY = new float[0];
  /**
   * Gate values per parallel chunk of a step: below this the rows run on the calling thread,
   * since a chunk must outweigh the pool's dispatch (about a microsecond).
   */
  private static final int ROW_WORK = 4096;

  final int hidden;
  final int gateCount;
  private final boolean returnSequences;
  int steps;
  int features;
  Param weightIh;  // (G·H, F)
  Param weightHh;  // (G·H, H)
  Param biasIh;    // (G·H)
  Param biasHh;    // (G·H)
  private List<Param> params = List.of();  // the four above, in file order

  private Tensor initialHidden;         // (N, H) or null for zeros
  private Run training;                 // the buffers of forward and backward
  private boolean trained;              // the last forward was a training one
  private final Workspace out = new Workspace();    // (N, T, H) or (N, H)
  private final Workspace dInput = new Workspace(); // (N, T, F)

  RecurrentLayer(String name, int hidden, int gates, boolean returnSequences) {
    super(name);
    this.hidden = hidden;
    this.gateCount = gates;
    this.returnSequences = returnSequences;
  }

  @Override
  protected final Shape create(Shape in, RandomGenerator random) {
    if (in.rank() != 2 || in.dim(0) < 1 || in.dim(1) < 1) {
      throw badInput("(N, T, F) with T, F ≥ 1", in, in.rank() == 1
          ? "the layer before returns one vector per sample; give it returnSequences = true"
          : "");
    }
    steps = in.dim(0);
    features = in.dim(1);
    int gh = gateCount * hidden;
    weightIh = new Param("weight_ih", Shape.of(gh, features));
    weightHh = new Param("weight_hh", Shape.of(gh, hidden));
    biasIh = new Param("bias_ih", Shape.of(gh));
    biasHh = new Param("bias_hh", Shape.of(gh));
    params = List.of(weightIh, weightHh, biasIh, biasHh);
    for (Param p : params) {
      INIT.fill(p.value(), hidden, gh, random);
    }
    initBiases();
    return returnSequences ? Shape.of(steps, hidden) : Shape.of(hidden);
  }

  /** Changes the drawn biases after creation (the LSTM's forget-gate option); none by default. */
  void initBiases() {}

  @Override
  protected final String hint(Shape actual) {
    return actual.rank() == 2
        ? "the layer before returns one vector per sample; give it returnSequences = true" : "";
  }

  @Override
  public final List<Param> params() {
    return params;
  }

  /** H, the size of the hidden state. */
  public final int hiddenSize() {
    return hidden;
  }

  /** Whether the output is every step's h (N, T, H) rather than the last one (N, H). */
  public final boolean returnsSequences() {
    return returnSequences;
  }

  /**
   * Sets the initial hidden state h0, (N, H), for the following forward passes (training and
   * inference) until called with null, which restores zeros. Its batch must match theirs.
   *
   * @throws IllegalArgumentException naming the layer if h0 is not (N, H)
   */
  public void setInitialState(Tensor h0) {
    initialHidden = checkState("initial state", h0);
  }

  /**
   * ∂L/∂h0 from the last backward pass, (N, H): a view of the layer's buffer, valid until the
   * next forward or backward pass.
   *
   * @throws IllegalStateException if no backward pass has run
   */
  public final Tensor initialStateGradient() {
    Run run = backwardRun();
    return new Tensor(run.dh, 0, Shape.of(run.n, hidden));
  }

  final Run backwardRun() {
    if (training == null || !training.backwardDone) {
      throw new IllegalStateException(describe() + ": no backward() has run yet");
    }
    return training;
  }

  /** Checks a state tensor is (N, H); null passes. */
  final Tensor checkState(String what, Tensor s) {
    inputShape(); // must be built: H is known, and the message can say so
    if (s != null && (s.shape().rank() != 2 || s.dim(1) != hidden)) {
      throw new IllegalArgumentException(describe() + ": expected an " + what + " (N, " + hidden
          + "), got " + s.shape());
    }
    return s;
  }

  /** Copies a state given for a batch of n, or zeros, into dst[dstOff, +n·H). */
  final void loadState(String what, Tensor s, float[] dst, int dstOff, int n) {
    if (s == null) {
      Arrays.fill(dst, dstOff, dstOff + n * hidden, 0f);
      return;
    }
    if (s.dim(0) != n) {
      throw new IllegalArgumentException(describe() + ": the " + what + " is " + s.shape()
          + " but the input has a batch of " + n);
    }
    System.arraycopy(s.data(), s.offset(), dst, dstOff, n * hidden);
  }

  /** The buffers of one pass, of the cell's kind. */
  abstract Run newRun();

  @Override
  public final Tensor forward(Tensor x, boolean isTraining) {
    int n = checkInput(x);
    if (training == null) {
      training = newRun();
    }
    trained = false; // until this pass has finished: a failed one leaves no state to go back on
    training.backwardDone = false;
    run(training, x, n);
    Tensor y = out.get(n, outputShape());
    writeOutput(training, y, n);
    trained = isTraining;
    return y;
  }

  @Override
  public final Tensor infer(Tensor x) {
    int n = checkInput(x);
    Run run = newRun();
    run(run, x, n);
    Tensor y = Tensor.zeros(outputShape().prepend(n));
    writeOutput(run, y, n);
    return y;
  }

  /** The forward pass into the run's buffers. */
  private void run(Run run, Tensor x, int n) {
    int gh = gateCount * hidden;
    int rows = steps * n;
    run.size(n);
    TimeMajor.fromBatchFirst(run.xt, 0, x.data(), x.offset(), n, steps, features);
    Tensor whh = weightHh.value();
    TimeMajor.transpose(run.whhT, whh.data(), whh.offset(), gh, hidden);
    foldBias(run.bias);
    // gates (T·N, G·H) = x (T·N, F) · W_ihᵀ (F, G·H) + b, for every step at once
    Tensor wih = weightIh.value();
    Gemm.sgemm(false, true, rows, gh, features, 1f, run.xt, 0, features,
        wih.data(), wih.offset(), features, 0f, run.gates, 0, gh);
    Elementwise.addRowBias(run.gates, 0, run.bias, 0, rows, gh);
    loadState("initial state", initialHidden, run.hs, 0, n);
    run.startForward();
    for (int t = 0; t < steps; t++) {
      run.forwardStep(t);
    }
  }

  /**
   * The bias added to the input projection, (G·H): by default {@code b_ih + b_hh}, since for
   * these cells both are added to the same preactivation.
   */
  void foldBias(float[] bias) {
    Tensor bi = biasIh.value();
    Tensor bh = biasHh.value();
    Elementwise.add(bias, 0, bi.data(), bi.offset(), bh.data(), bh.offset(), gateCount * hidden);
  }

  /** y ← h_1..h_T (N, T, H) or h_T (N, H), from the time-major (T+1, N, H) states. */
  private void writeOutput(Run run, Tensor y, int n) {
    if (returnSequences) {
      TimeMajor.toBatchFirst(y.data(), y.offset(), run.hs, n * hidden, n, steps, hidden);
    } else {
      System.arraycopy(run.hs, steps * n * hidden, y.data(), y.offset(), n * hidden);
    }
  }

  /**
   * Backward through time. Forward was, per step, {@code pre_t = x_t·W_ihᵀ + h_{t−1}·W_hhᵀ + b}
   * followed by the cell's gate math; so, in reverse, the cell turns ∂L/∂h_t into dG_t (and its
   * own carried state), ∂L/∂h_{t−1} += dG_t·W_hh, and after the loop dW_ih += dGᵀ·x,
   * dW_hh += dGᵀ·h_prev, db_ih and db_hh += Σ_rows dG, dx = dG·W_ih.
   */
  @Override
  public final Tensor backward(Tensor dOut) {
    if (!trained) {
      throw noForward();
    }
    Run run = training;
    int n = run.n;
    checkGradient(dOut, n);
    int gh = gateCount * hidden;
    int rows = steps * n;
    run.sizeBackward(n);
    // dh (T+1, N, H): block t+1 holds ∂L/∂h_t, first from the output, then from later steps
    Arrays.fill(run.dh, 0, (steps + 1) * n * hidden, 0f);
    if (returnSequences) {
      TimeMajor.fromBatchFirst(run.dh, n * hidden, dOut.data(), dOut.offset(), n, steps, hidden);
    } else {
      System.arraycopy(dOut.data(), dOut.offset(), run.dh, steps * n * hidden, n * hidden);
    }
    run.startBackward();
    for (int t = steps - 1; t >= 0; t--) {
      run.backwardStep(t);
    }
    run.weightGradients();
    // dx (T·N, F) = dG (T·N, G·H) · W_ih (G·H, F)
    Tensor wih = weightIh.value();
    Gemm.sgemm(false, false, rows, features, gh, 1f, run.dGates, 0, gh,
        wih.data(), wih.offset(), features, 0f, run.dxt, 0, features);
    Tensor dx = dInput.get(n, inputShape());
    TimeMajor.toBatchFirst(dx.data(), dx.offset(), run.dxt, 0, n, steps, features);
    run.backwardDone = true;
    return dx;
  }

  /**
   * The input side, shared by every cell: dW_ih += dGᵀ·x and db_ih += Σ_rows dG, leaving
   * Σ_rows dG in the run's dBias for the cells whose b_hh gets the same sum.
   */
  final void inputWeightGradients(Run run) {
    int gh = gateCount * hidden;
    int rows = steps * run.n;
    // dW_ih (G·H, F) += dGᵀ·x, computed as its transpose xᵀ·dG (F, G·H): sgemm then packs the
    // small x transposed rather than the large dG (2.1 ms instead of 3.6 ms for the LSTM of
    // RnnBench), and adding the (F, G·H) result transposed costs a few microseconds
    Gemm.sgemm(true, false, features, gh, rows, 1f, run.xt, 0, features, run.dGates, 0, gh,
        0f, run.dWihT, 0, gh);
    Tensor dwih = weightIh.grad();
    TimeMajor.addTransposed(dwih.data(), dwih.offset(), run.dWihT, features, gh);
    Arrays.fill(run.dBias, 0, gh, 0f);
    Reductions.addColumnSums(run.dBias, 0, run.dGates, 0, rows, gh);
    Tensor dbi = biasIh.grad();
    Elementwise.add(dbi.data(), dbi.offset(), dbi.data(), dbi.offset(), run.dBias, 0, gh);
  }

  /** b_hh's gradient when it is b_ih's: the dBias that {@link #inputWeightGradients} left. */
  final void sameBiasGradient(Run run) {
    Tensor dbh = biasHh.grad();
    Elementwise.add(dbh.data(), dbh.offset(), dbh.data(), dbh.offset(), run.dBias, 0,
        gateCount * hidden);
  }

  /**
   * The buffers of one pass over a batch of n sequences, time-major, grown to the largest batch
   * seen and then reused. The cell's subclass adds its own state and does its steps.
   */
  abstract class Run {
    int n;
    boolean backwardDone;
    int step;                // the time step the cell's row bodies work on
    private int rowGrain;    // rows per parallel chunk
    float[] xt = EMPTY;      // (T, N, F)
    float[] gates = EMPTY;   // (T, N, G·H): preactivations, then activated gates
    float[] hs = EMPTY;      // (T+1, N, H): h0, h_1, ..., h_T
    float[] whhT = EMPTY;    // (H, G·H): W_hhᵀ
    float[] bias = EMPTY;    // (G·H): the bias folded into the input projection
    float[] dh = EMPTY;      // (T+1, N, H): ∂L/∂h0, ..., ∂L/∂h_T
    float[] dGates = EMPTY;  // (T, N, G·H): ∂L/∂ preactivations
    float[] dxt = EMPTY;     // (T, N, F)
    float[] dWihT = EMPTY;   // (F, G·H): dW_ihᵀ of this pass
    float[] dBias = EMPTY;   // (G·H): Σ_rows dG

    final void size(int batch) {
      n = batch;
      rowGrain = Math.max(1, ROW_WORK / (gateCount * hidden));
      int gh = gateCount * hidden;
      xt = grow(xt, (long) steps * batch * features);
      gates = grow(gates, (long) steps * batch * gh);
      hs = grow(hs, (long) (steps + 1) * batch * hidden);
      whhT = grow(whhT, (long) gh * hidden);
      bias = grow(bias, gh);
      sizeCell(batch);
    }

    final void sizeBackward(int batch) {
      dh = grow(dh, (long) (steps + 1) * batch * hidden);
      dGates = grow(dGates, (long) steps * batch * gateCount * hidden);
      dxt = grow(dxt, (long) steps * batch * features);
      dWihT = grow(dWihT, (long) features * gateCount * hidden);
      dBias = grow(dBias, gateCount * hidden);
      sizeCellBackward(batch);
    }

    /**
     * Runs a cell's gate math for step t over the batch's rows [0, N), split over the shared
     * pool when there is enough of it (the GEMMs around it already are); the body reads
     * {@link #step}, and the pool's hand-off publishes it to the workers.
     */
    final void overRows(int t, RangeBody body) {
      step = t;
      Parallel.parallelFor(n, rowGrain, body);
    }

    static float[] grow(float[] a, long size) {
      return a.length >= size ? a : new float[Math.toIntExact(size)];
    }

    /** Sizes the cell's own forward buffers for a batch. */
    abstract void sizeCell(int batch);

    /** Sizes the cell's own backward buffers for a batch. */
    abstract void sizeCellBackward(int batch);

    /** Sets up the cell's own initial state (the LSTM's c0); nothing by default. */
    void startForward() {}

    /** gates block t holds x_t·W_ihᵀ + b; h_t ← the cell of (gates_t, h_{t−1}). */
    abstract void forwardStep(int t);

    /** Resets the cell's carried gradient (the LSTM's ∂L/∂c); nothing by default. */
    void startBackward() {}

    /** dh block t+1 holds ∂L/∂h_t; dG_t ← ..., dh block t += ∂L/∂h_{t−1}. */
    abstract void backwardStep(int t);

    /** dW_ih, dW_hh, db_ih, db_hh += from dG: by default the same dG for both sides. */
    void weightGradients() {
      inputWeightGradients(this);
      int gh = gateCount * hidden;
      int rows = steps * n;
      // h_{t−1} of row (t, i) is row (t, i) of hs, whose block 0 is h0
      Tensor dwhh = weightHh.grad();
      Gemm.sgemm(true, false, gh, hidden, rows, 1f, dGates, 0, gh, hs, 0, hidden,
          1f, dwhh.data(), dwhh.offset(), hidden);
      sameBiasGradient(this);
    }
  }
}
