package dev.lanes.core.kernel;

import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;

/**
 * Runs one long activation call on the shared pool, in blocks of {@link #BLOCK} elements. The
 * blocks are fixed by n alone and {@code BLOCK} is a multiple of every vector width, so each
 * element is computed by the same code (vector loop or tail) as in one serial call: the result is
 * bit for bit the same for any thread count.
 *
 * <p>One task per calling thread (a {@link ThreadLocal}), holding the call's arguments for the
 * workers: concurrent callers (inference) never share one, and a call allocates nothing.
 */
final class ActivationSplit implements RangeBody {
  /** 64 KB of floats: a block is worth a hand-off, and 2048 times the widest vector. */
  static final int BLOCK = 16 * 1024;
  /**
   * Shorter calls run inline: 4 blocks (64 K elements) take about 30 µs for relu on this machine,
   * and handing work to a worker costs a few µs while it spins (tens to hundreds once it has
   * parked), so below that the split gains little.
   */
  static final int MIN_PARALLEL = 4 * BLOCK;

  /**
   * The kernels this task runs. Forward ones take (a = out, b = x), backward ones (a = dx,
   * b = dy, c = the saved x or y).
   */
  enum Op {
    RELU, RELU_BACKWARD, LEAKY_RELU, LEAKY_RELU_BACKWARD, SIGMOID, SIGMOID_BACKWARD, TANH,
    TANH_BACKWARD, EXP, EXP_BACKWARD, GELU, GELU_BACKWARD, SOFTPLUS, SOFTPLUS_BACKWARD
  }

  private static final ThreadLocal<ActivationSplit> TASKS =
      ThreadLocal.withInitial(ActivationSplit::new);

  private ActivationKernels kernels;
  private Op op;
  private float[] a;
  private float[] b;
  private float[] c;
  private int aOff;
  private int bOff;
  private int cOff;
  private float alpha;
  private int n;

  /** Runs {@code op} over n elements, on the pool when n is long enough to pay for it. */
  static void run(ActivationKernels kernels, Op op, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, float alpha, int n) {
    if (n < MIN_PARALLEL || Parallel.threads() == 1) {
      apply(kernels, op, a, aOff, b, bOff, c, cOff, alpha, n);
      return;
    }
    ActivationSplit t = TASKS.get();
    t.kernels = kernels;
    t.op = op;
    t.a = a;
    t.b = b;
    t.c = c;
    t.aOff = aOff;
    t.bOff = bOff;
    t.cOff = cOff;
    t.alpha = alpha;
    t.n = n;
    try {
      int blocks = (n + BLOCK - 1) / BLOCK;
      Parallel.parallelForDynamic(blocks, Parallel.balancedChunk(blocks, 2), t);
    } finally {
      t.a = t.b = t.c = null; // keep no caller's array alive
    }
  }

  @Override
  public void run(int startBlock, int endBlock) {
    int from = startBlock * BLOCK;
    int count = Math.min(n, endBlock * BLOCK) - from;
    apply(kernels, op, a, aOff + from, b, bOff + from, c, cOff + from, alpha, count);
  }

  private static void apply(ActivationKernels k, Op op, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, float alpha, int n) {
    switch (op) {
      case RELU -> k.relu(a, aOff, b, bOff, n);
      case RELU_BACKWARD -> k.reluBackward(a, aOff, b, bOff, c, cOff, n);
      case LEAKY_RELU -> k.leakyRelu(a, aOff, b, bOff, alpha, n);
      case LEAKY_RELU_BACKWARD -> k.leakyReluBackward(a, aOff, b, bOff, c, cOff, alpha, n);
      case SIGMOID -> k.sigmoid(a, aOff, b, bOff, n);
      case SIGMOID_BACKWARD -> k.sigmoidBackward(a, aOff, b, bOff, c, cOff, n);
      case TANH -> k.tanh(a, aOff, b, bOff, n);
      case TANH_BACKWARD -> k.tanhBackward(a, aOff, b, bOff, c, cOff, n);
      case EXP -> k.exp(a, aOff, b, bOff, n);
      case EXP_BACKWARD -> k.expBackward(a, aOff, b, bOff, c, cOff, n);
      case GELU -> k.gelu(a, aOff, b, bOff, n);
      case GELU_BACKWARD -> k.geluBackward(a, aOff, b, bOff, c, cOff, n);
      case SOFTPLUS -> k.softplus(a, aOff, b, bOff, n);
      case SOFTPLUS_BACKWARD -> k.softplusBackward(a, aOff, b, bOff, c, cOff, n);
    }
  }
}
