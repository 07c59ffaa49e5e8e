package dev.lanes.bench;

import dev.lanes.core.kernel.ActivationKernels;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.kernel.SoftmaxKernels;
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
 * The transcendental activations and row softmax: the scalar reference against the Vector API
 * kernels, side by side in one run. Time per call for n floats (softmax: n / 1000 rows of 1000).
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar ElementwiseBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class ElementwiseBench {
  private static final int SOFTMAX_COLS = 1000;

  @Param({"scalar", "simd"})
  public String impl;

  @Param({"1024", "65536", "1048576"})
  public int n;

  private ActivationKernels activations;
  private SoftmaxKernels softmax;
  private float[] x;
  private float[] out;
  private int softmaxRows;

  @Setup
  public void setUp() {
    KernelProvider provider = impl.equals("simd") ? KernelProvider.simd() : KernelProvider.scalar();
    activations = provider.activations();
    softmax = provider.softmax();
    SplittableRandom random = new SplittableRandom(42);
    x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) random.nextDouble(-8, 8);
    }
    out = new float[n];
    softmaxRows = Math.max(1, n / SOFTMAX_COLS);
  }

  @Benchmark
  public float[] exp() {
    activations.exp(out, 0, x, 0, n);
    return out;
  }

  @Benchmark
  public float[] sigmoid() {
    activations.sigmoid(out, 0, x, 0, n);
    return out;
  }

  @Benchmark
  public float[] tanh() {
    activations.tanh(out, 0, x, 0, n);
    return out;
  }

  @Benchmark
  public float[] softmaxRows() {
    softmax.softmaxRows(out, 0, x, 0, softmaxRows, Math.min(SOFTMAX_COLS, n));
    return out;
  }
}
