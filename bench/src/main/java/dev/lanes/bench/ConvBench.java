package dev.lanes.bench;

import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.ConvKernels;
import dev.lanes.core.kernel.Im2colConv;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.parallel.Parallel;
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
 * Convolution: the SIMD provider's ({@code lanes}: Winograd's minimal filtering for all three
 * passes of 3x3 stride-1 layers with 8 or more channels in and out, im2col + SIMD GEMM for the
 * rest) against im2col + SIMD GEMM for every layer ({@code im2col}) and the
 * direct seven-loop reference ({@code naive}), forward alone and forward + backwardData +
 * backwardWeights. Effective GFLOP/s = 2·N·Cout·Cin·kh·kw·Hout·Wout per pass (×3 for
 * forwardBackward) / time, whatever the algorithm.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar ConvBench -p impl=lanes
 * java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar ConvBench -p threads=1
 * </pre>
 * (the naive loops ignore {@code threads} and take seconds per call on {@code mid}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class ConvBench {
  @Param({"lanes", "im2col", "naive"})
  public String impl;

  @Param({"lenet1", "lenet2", "mid", "pointwise"})
  public String shape;

  @Param({"1", "2"})
  public int threads;

  private ConvKernels conv;
  private Conv2dGeometry g;
  private float[] x;
  private float[] w;
  private float[] bias;
  private float[] y;
  private float[] dy;
  private float[] dx;
  private float[] dw;
  private float[] dBias;

  /** The geometry of each named shape: stride 1, padding k/2. */
  static Conv2dGeometry geometry(String shape) {
    return switch (shape) {
      case "lenet1" -> new Conv2dGeometry(64, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1);
      case "lenet2" -> new Conv2dGeometry(64, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1);
      case "mid" -> new Conv2dGeometry(32, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1);
      case "pointwise" -> new Conv2dGeometry(32, 64, 32, 32, 128, 1, 1, 1, 1, 0, 0, 1, 1);
      default -> throw new IllegalArgumentException("unknown shape " + shape);
    };
  }

  @Setup
  public void setUp() {
    Parallel.setThreads(threads);
    KernelProvider simd = KernelProvider.simd();
    conv = switch (impl) {
      case "lanes" -> simd.conv();
      case "im2col" -> new Im2colConv(simd.gemm(), simd.elementwise(), simd.reductions());
      case "naive" -> KernelProvider.scalar().conv();
      default -> throw new IllegalArgumentException("unknown impl " + impl);
    };
    g = geometry(shape);
    SplittableRandom random = new SplittableRandom(11);
    x = randoms(random, g.inputSize());
    w = randoms(random, g.weightSize());
    bias = randoms(random, g.outChannels());
    dy = randoms(random, g.outputSize());
    y = new float[g.outputSize()];
    dx = new float[g.inputSize()];
    dw = new float[g.weightSize()];
    dBias = new float[g.outChannels()];
  }

  private static float[] randoms(SplittableRandom random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextDouble(-1, 1);
    }
    return a;
  }

  @Benchmark
  public float[] forward() {
    conv.forward(y, 0, x, 0, w, 0, bias, 0, g);
    return y;
  }

  @Benchmark
  public float[] forwardBackward() {
    conv.forward(y, 0, x, 0, w, 0, bias, 0, g);
    conv.backwardData(dx, 0, dy, 0, w, 0, g);
    conv.backwardWeights(dw, 0, dBias, 0, dy, 0, x, 0, g);
    return dw;
  }
}
