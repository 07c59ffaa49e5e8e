package dev.lanes.bench;

import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.kernel.Pool2dGeometry;
import dev.lanes.core.kernel.PoolKernels;
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
 * 2x2 max pooling, stride 2, on (64, 32, 28, 28) (the first pooling of a small CNN): the direct
 * loops of the scalar reference ({@code naive}) against the Vector API kernel ({@code lanes}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class PoolBench {
  @Param({"naive", "lanes"})
  public String impl;

  private final Pool2dGeometry g = Pool2dGeometry.of(64, 32, 28, 28, 2);
  private PoolKernels pool;
  private float[] x;
  private float[] out;
  private float[] dy;
  private float[] dx;
  private int[] argmax;

  @Setup
  public void setUp() {
    pool = (impl.equals("lanes") ? KernelProvider.simd() : KernelProvider.scalar()).pool();
    SplittableRandom random = new SplittableRandom(7);
    x = new float[g.inputSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble(-1, 1);
    }
    out = new float[g.outputSize()];
    dy = new float[g.outputSize()];
    dx = new float[g.inputSize()];
    argmax = new int[g.outputSize()];
  }

  @Benchmark
  public float[] maxPoolForward() {
    pool.maxPoolForward(out, 0, argmax, 0, x, 0, g);
    return out;
  }

  @Benchmark
  public float[] maxPoolForwardBackward() {
    pool.maxPoolForward(out, 0, argmax, 0, x, 0, g);
    pool.maxPoolBackward(dx, 0, dy, 0, argmax, 0, g);
    return dx;
  }
}
