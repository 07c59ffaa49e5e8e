package dev.lanes.bench;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.layers.Gru;
import dev.lanes.layers.Lstm;
import dev.lanes.layers.Param;
import dev.lanes.layers.RecurrentLayer;
import dev.lanes.layers.SimpleRnn;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The recurrent layers at N = 64 sequences of T = 32 steps, F = 64 features, H = 128 units,
 * every step returned: a training forward pass, and forward + backward (gradients zeroed first,
 * as a training step does), on 1 or 2 threads of the shared pool.
 *
 * <p>Work, counting only the matrix products: a forward pass is {@code 2·N·T·G·H·(F + H)}
 * flops (G = 4 gates for lstm, 3 for gru, 1 for rnn): 403 MFLOP for the LSTM; backward is twice
 * that (dx and dW_ih, dh and dW_hh), so forward + backward is 3x. GFLOP/s = flops / time; compare
 * with GemmBench's {@code lanes} at n = 512. Run with {@code -prof gc}: allocation per operation
 * should be 0 bytes once the first batch has sized the buffers. {@code gru} is PyTorch's form;
 * {@code gruCho}, the reset-before form, does a second, smaller GEMM per step.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar RnnBench -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class RnnBench {
  static final int N = 64;
  static final int T = 32;
  static final int F = 64;
  static final int H = 128;

  @org.openjdk.jmh.annotations.Param({"lstm", "gru", "rnn"})
  public String cell;

  @org.openjdk.jmh.annotations.Param({"1", "2"})
  public int threads;

  private RecurrentLayer layer;
  private Tensor x;
  private Tensor dOut;

  @Setup
  public void setUp() {
    Parallel.setThreads(threads);
    layer = switch (cell) {
      case "lstm" -> new Lstm.Config(H).withReturnSequences(true).create("lstm");
      case "gru" -> new Gru.Config(H).withReturnSequences(true).create("gru");
      case "gruCho" -> new Gru.Config(H, true, Gru.Variant.CHO).create("gru");
      case "rnn" -> new SimpleRnn.Config(H, true).create("rnn");
      default -> throw new IllegalArgumentException("unknown cell " + cell);
    };
    SplittableRandom random = new SplittableRandom(5);
    Shape out = layer.build(Shape.of(T, F), random);
    x = randoms(Shape.of(N, T, F), random);
    dOut = randoms(out.prepend(N), random);
  }

  private static Tensor randoms(Shape shape, SplittableRandom random) {
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) random.nextDouble(-1, 1);
    }
    return t;
  }

  @Benchmark
  public Tensor forward() {
    return layer.forward(x, true);
  }

  @Benchmark
  public Tensor forwardBackward() {
    for (Param p : layer.params()) {
      p.zeroGrad();
    }
    layer.forward(x, true);
    return layer.backward(dOut);
  }
}
