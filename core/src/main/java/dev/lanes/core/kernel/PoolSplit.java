package dev.lanes.core.kernel;

import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;

/**
 * Runs one pooling call on the shared pool, a block of whole planes (one channel of one image)
 * per item: planes are independent, each block calls the kernel on its planes as if they were
 * the whole input, so the result is the same bit for bit for any thread count.
 *
 * <p>Max pooling with a relu after it (see {@link Pool#maxPoolReluForward}) runs the relu on
 * each block's pooled values right after pooling them, while they are in the cache, and its
 * backward the relu's gradient into a per-thread block of pooled gradients, then the pooling's
 * backward from there: always a block at a time, also with one thread, so that those stay
 * block-sized. The relu kernels are elementwise, so the values are those of whole calls.
 *
 * <p>One task per calling thread (a {@link ThreadLocal}); it keeps the block geometries of the
 * last {@link #KEPT} input geometries (a CNN pools at two or three sizes, forward and backward),
 * so that a call in steady state allocates nothing.
 */
final class PoolSplit implements RangeBody {
  /** Input elements per block: 64 KB of floats, worth a hand-off to a worker. */
  static final int BLOCK_ELEMENTS = 16 * 1024;

  /** Input geometries whose blocks a task keeps. */
  static final int KEPT = 8;

  enum Op {
    MAX_FORWARD, MAX_BACKWARD, AVG_FORWARD, AVG_BACKWARD, MAX_RELU_FORWARD, MAX_RELU_BACKWARD;

    /** Whether a relu runs with the pooling, a block at a time. */
    boolean relu() {
      return this == MAX_RELU_FORWARD || this == MAX_RELU_BACKWARD;
    }
  }

  /** An input geometry cut into blocks of whole planes; the last block may be shorter. */
  private record Blocks(Pool2dGeometry whole, Pool2dGeometry block, Pool2dGeometry lastBlock,
      int planesPerBlock, int count) {
    static Blocks of(Pool2dGeometry g) {
      int planes = g.batch() * g.channels();
      int perBlock = Math.max(1, BLOCK_ELEMENTS / (g.height() * g.width()));
      int count = (planes + perBlock - 1) / perBlock;
      Pool2dGeometry block = planes(g, perBlock);
      int rest = planes - (count - 1) * perBlock;
      return new Blocks(g, block, rest == perBlock ? block : planes(g, rest), perBlock, count);
    }

    private static Pool2dGeometry planes(Pool2dGeometry g, int count) {
      return new Pool2dGeometry(1, count, g.height(), g.width(), g.kernelH(), g.kernelW(),
          g.strideH(), g.strideW(), g.padH(), g.padW());
    }
  }

  private static final ThreadLocal<PoolSplit> TASKS = ThreadLocal.withInitial(PoolSplit::new);
  /** Per thread: a block's pooled gradient, through the relu after the pooling. */
  private static final ThreadLocal<Scratch> GRADIENTS = ThreadLocal.withInitial(Scratch::new);

  private PoolKernels kernels;
  private ActivationKernels activations;
  private Op op;
  private final Blocks[] kept = new Blocks[KEPT];
  private int nextKept;             // the slot the next new geometry takes, round robin
  private Blocks blocks;            // the call's
  private float[] input;           // x, or dx for a backward pass
  private float[] output;          // out, or dy for a backward pass
  private int[] argmax;
  private float[] relu;            // the relu's output (forward), or its input (backward)
  private int reluOff;
  private int inputOff;
  private int outputOff;
  private int argOff;
  private boolean countPadding;

  /**
   * Runs {@code op}: forward passes read {@code input} and write {@code output} (and argmax),
   * backward passes read {@code output} (dy) and write {@code input} (dx).
   */
  static void run(PoolKernels kernels, Op op, Pool2dGeometry g, float[] input, int inputOff,
      float[] output, int outputOff, int[] argmax, int argOff, boolean countPadding) {
    run(kernels, null, op, g, input, inputOff, output, outputOff, argmax, argOff, null, 0,
        countPadding);
  }

  /**
   * Runs {@code op} with the relu after the pooling: {@code MAX_RELU_FORWARD} also writes
   * relu = max(output, 0); {@code MAX_RELU_BACKWARD} takes {@code output} as the gradient of
   * the relu's output and relu as the pooled values the relu was applied to.
   */
  static void runWithRelu(PoolKernels kernels, ActivationKernels activations, Op op,
      Pool2dGeometry g, float[] input, int inputOff, float[] output, int outputOff, int[] argmax,
      int argOff, float[] relu, int reluOff) {
    run(kernels, activations, op, g, input, inputOff, output, outputOff, argmax, argOff, relu,
        reluOff, false);
  }

  private static void run(PoolKernels kernels, ActivationKernels activations, Op op,
      Pool2dGeometry g, float[] input, int inputOff, float[] output, int outputOff, int[] argmax,
      int argOff, float[] relu, int reluOff, boolean countPadding) {
    int planes = g.batch() * g.channels();
    boolean serial = Parallel.threads() == 1
        || (long) planes * g.height() * g.width() < 4L * BLOCK_ELEMENTS;
    if (serial && !op.relu()) {
      apply(kernels, op, g, input, inputOff, output, outputOff, argmax, argOff, countPadding);
      return;
    }
    PoolSplit t = TASKS.get();
    t.blocks = t.blocksOf(g);
    t.kernels = kernels;
    t.activations = activations;
    t.op = op;
    t.input = input;
    t.inputOff = inputOff;
    t.output = output;
    t.outputOff = outputOff;
    t.argmax = argmax;
    t.argOff = argOff;
    t.relu = relu;
    t.reluOff = reluOff;
    t.countPadding = countPadding;
    try {
      int count = t.blocks.count();
      if (serial) {
        t.run(0, count);
      } else {
        Parallel.parallelForDynamic(count, Parallel.balancedChunk(count, 1), t);
      }
    } finally {
      t.input = t.output = t.relu = null; // keep no caller's array alive
      t.argmax = null;
    }
  }

  private Blocks blocksOf(Pool2dGeometry g) {
    for (Blocks b : kept) {
      if (b != null && b.whole().equals(g)) {
        return b;
      }
    }
    Blocks b = Blocks.of(g);
    kept[nextKept] = b;
    nextKept = (nextKept + 1) % KEPT;
    return b;
  }

  @Override
  public void run(int start, int end) {
    Pool2dGeometry whole = blocks.whole();
    int inPlane = whole.height() * whole.width();
    int outPlane = whole.outHeight() * whole.outWidth();
    for (int b = start; b < end; b++) {
      int first = b * blocks.planesPerBlock();
      Pool2dGeometry g = b == blocks.count() - 1 ? blocks.lastBlock() : blocks.block();
      int in = inputOff + first * inPlane;
      int out = outputOff + first * outPlane;
      int arg = argOff + first * outPlane;
      int pooled = g.outputSize();
      switch (op) {
        case MAX_RELU_FORWARD -> {
          kernels.maxPoolForward(output, out, argmax, arg, input, in, g);
          activations.relu(relu, reluOff + first * outPlane, output, out, pooled);
        }
        case MAX_RELU_BACKWARD -> {
          float[] dPooled = GRADIENTS.get().floats(pooled);
          activations.reluBackward(dPooled, 0, output, out, relu, reluOff + first * outPlane,
              pooled);
          kernels.maxPoolBackward(input, in, dPooled, 0, argmax, arg, g);
        }
        default -> apply(kernels, op, g, input, in, output, out, argmax, arg, countPadding);
      }
    }
  }

  private static void apply(PoolKernels k, Op op, Pool2dGeometry g, float[] input,
      int inputOff, float[] output, int outputOff, int[] argmax, int argOff,
      boolean countPadding) {
    switch (op) {
      case MAX_FORWARD -> k.maxPoolForward(output, outputOff, argmax, argOff, input, inputOff, g);
      case MAX_BACKWARD -> k.maxPoolBackward(input, inputOff, output, outputOff, argmax, argOff, g);
      case AVG_FORWARD -> k.avgPoolForward(output, outputOff, input, inputOff, g, countPadding);
      case AVG_BACKWARD -> k.avgPoolBackward(input, inputOff, output, outputOff, g, countPadding);
      case MAX_RELU_FORWARD, MAX_RELU_BACKWARD ->
          throw new IllegalStateException(op + " runs a block at a time");
    }
  }
}
