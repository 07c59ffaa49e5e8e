package dev.lanes.bench;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.layers.BatchNorm;
import dev.lanes.layers.Conv2d;
import dev.lanes.layers.Dense;
import dev.lanes.layers.Layer;
import dev.lanes.layers.MaxPool2d;
import dev.lanes.layers.Param;
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
 * One training forward + backward of a layer (gradients zeroed first, as a training step does),
 * in steady state: run with {@code -prof gc} to see the allocation per operation, which should
 * be 0 bytes once the first batch has sized the buffers.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar LayerBench -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class LayerBench {
  /** dense: 784→256, batch 64; conv: lenet2 (64, 32, 14, 14)→64, 3x3, pad 1; batchNorm and maxPool: (64, 32, 28, 28). */
  @org.openjdk.jmh.annotations.Param({"dense", "conv", "batchNorm", "maxPool"})
  public String layer;

  @org.openjdk.jmh.annotations.Param({"1", "2"})
  public int threads;

  private Layer subject;
  private java.util.List<Param> params; // taken once, as a training loop would
  private Tensor x;
  private Tensor dOut;

  @Setup
  public void setUp() {
    Parallel.setThreads(threads);
    Shape sample;
    switch (layer) {
      case "dense" -> {
        subject = new Dense.Config(256).create("dense");
        sample = Shape.of(784);
      }
      case "conv" -> {
        subject = new Conv2d.Config(64, 3, 3, 1, 1, 1, true).create("conv");
        sample = Shape.of(32, 14, 14);
      }
      case "batchNorm" -> {
        subject = new BatchNorm.Config().create("bn");
        sample = Shape.of(32, 28, 28);
      }
      case "maxPool" -> {
        subject = new MaxPool2d.Config(2).create("pool");
        sample = Shape.of(32, 28, 28);
      }
      default -> throw new IllegalArgumentException(layer);
    }
    SplittableRandom random = new SplittableRandom(5);
    Shape out = subject.build(sample, random);
    params = subject.params();
    x = randoms(sample.prepend(64), random);
    dOut = randoms(out.prepend(64), random);
  }

  private static Tensor randoms(Shape shape, SplittableRandom random) {
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) random.nextDouble(-1, 1);
    }
    return t;
  }

  @Benchmark
  public Tensor forwardBackward() {
    for (Param p : params) {
      p.zeroGrad();
    }
    subject.forward(x, true);
    return subject.backward(dOut);
  }
}
