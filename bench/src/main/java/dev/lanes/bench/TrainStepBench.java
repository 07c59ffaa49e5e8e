package dev.lanes.bench;

import dev.lanes.core.Tensor;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.dsl.Model;
import dev.lanes.dsl.Sequential;
import dev.lanes.layers.loss.SoftmaxCrossEntropy;
import dev.lanes.layers.optim.Adam;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One optimizer step (forward, cross-entropy, backward, Adam update) on a batch of 64:
 * {@code mlp} is 784-256-128-10 with relu; {@code cnn} is the builder example without its
 * residual block, on 28x28 images. Samples per second = 64 / time; run with {@code -prof gc} for
 * the bytes allocated per step.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar TrainStepBench -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// A minute of warm-up: the CNN step's small loops (the loss's exp over 64 x 10 values) are
// called once per step and reach C2 only after some 800 steps; until then their vectors are
// boxed on the heap, which is JIT warm-up, not the steady state that -prof gc should report.
@Warmup(iterations = 6, time = 10)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class TrainStepBench {
  static final int BATCH = 64;

  @Param({"mlp", "cnn"})
  public String model;

  @Param({"1", "2"})
  public int threads;

  private Model net;
  private Tensor x;
  private Tensor labels;
  private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
  private final Adam adam = new Adam();

  @Setup
  public void setUp() {
    Parallel.setThreads(threads);
    net = model(model);
    x = features(net);
    labels = labels();
  }

  /** {@code mlp} or {@code cnn}, built with seed 1. */
  static Model model(String name) {
    return name.equals("mlp")
        ? Sequential.input(784).dense(256).relu().dense(128).relu().dense(10).build(1)
        : Sequential.input(1, 28, 28)
            .conv2d(32, 3).padding(1).relu().maxPool2d(2)
            .conv2d(64, 3).padding(1).batchNorm().relu().maxPool2d(2)
            .flatten().dense(128).relu().dropout(0.5f)
            .dense(10)
            .build(1);
  }

  /** A batch of uniform random inputs in [0, 1), seed 3. */
  static Tensor features(Model net) {
    SplittableRandom random = new SplittableRandom(3);
    Tensor x = Tensor.zeros(net.inputShape().prepend(BATCH));
    for (int i = 0; i < x.size(); i++) {
      x.data()[i] = (float) random.nextDouble();
    }
    return x;
  }

  /** A batch of random labels in 0..9, seed 4. */
  static Tensor labels() {
    SplittableRandom random = new SplittableRandom(4);
    Tensor labels = Tensor.zeros(BATCH);
    for (int i = 0; i < BATCH; i++) {
      labels.data()[i] = random.nextInt(10);
    }
    return labels;
  }

  @Benchmark
  public float step() {
    return net.trainOnBatch(x, labels, loss, adam, 1e-3f, 0f);
  }
}
