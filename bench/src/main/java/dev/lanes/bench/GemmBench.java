package dev.lanes.bench;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_get_num_threads;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import dev.lanes.core.kernel.Gemm;
import dev.lanes.core.kernel.GemmKernel;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.parallel.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square sgemm, {@code C = A·B} with n×n matrices, Lanes against its peers; GFLOPS = 2n³ / time.
 *
 * <ul>
 *   <li>{@code lanes}: the {@link Gemm#sgemm} facade (SIMD kernel), on {@code threads} threads
 *       of the shared pool ({@link Parallel#setThreads}).
 *   <li>{@code openblas}: OpenBLAS 0.3.31 through JavaCPP, {@code cblas_sgemm} on native
 *       {@link FloatPointer} buffers allocated once in setup (the {@code float[]} overload would
 *       copy the operands in and out of native memory on every call, which is unfair to
 *       OpenBLAS); its thread count is set with {@code blas_set_num_threads(threads)}, which
 *       calls {@code openblas_set_num_threads}.
 *   <li>{@code ejml}: EJML 0.46.1 {@code CommonOps_FDRM.mult} into a preallocated output.
 *   <li>{@code naive}: the scalar reference kernel ({@link KernelProvider#scalar()}).
 * </ul>
 *
 * <p>EJML and the scalar reference are single-threaded, so they run only with threads = 1, and
 * not at n = 2048 (the reference would take minutes per call): those combinations fail in
 * setup with an {@link UnsupportedOperationException} saying so, which JMH reports and skips.
 *
 * <p>{@link #transposed} runs the layouts a dense layer needs at n = 512: {@code NT} (A·Bᵀ,
 * the forward pass), {@code TN} (Aᵀ·B, the weight gradient) and {@code NN} (the plain case, for
 * the ratio), for Lanes and OpenBLAS.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar GemmBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED"})
public class GemmBench {

  /** The operands of one n×n product, for one implementation. */
  public abstract static class Operands {
    float[] a;
    float[] b;
    float[] c;
    FloatPointer nativeA;
    FloatPointer nativeB;
    FloatPointer nativeC;
    FMatrixRMaj ejmlA;
    FMatrixRMaj ejmlB;
    FMatrixRMaj ejmlC;
    GemmKernel reference;

    void allocate(String impl, int n, int threads) {
      SplittableRandom random = new SplittableRandom(42);
      a = randomMatrix(random, n);
      b = randomMatrix(random, n);
      c = new float[n * n];
      switch (impl) {
        case "lanes" -> Parallel.setThreads(threads);
        case "openblas" -> {
          blas_set_num_threads(threads);
          if (blas_get_num_threads() != threads) {
            throw new IllegalStateException("OpenBLAS runs " + blas_get_num_threads()
                + " threads, not " + threads);
          }
          nativeA = new FloatPointer(a);
          nativeB = new FloatPointer(b);
          nativeC = new FloatPointer(c);
        }
        case "ejml" -> {
          ejmlA = FMatrixRMaj.wrap(n, n, a);
          ejmlB = FMatrixRMaj.wrap(n, n, b);
          ejmlC = FMatrixRMaj.wrap(n, n, c);
        }
        case "naive" -> reference = KernelProvider.scalar().gemm();
        default -> throw new IllegalArgumentException("unknown impl " + impl);
      }
    }

    void free() {
      for (FloatPointer p : new FloatPointer[] {nativeA, nativeB, nativeC}) {
        if (p != null) {
          p.close();
        }
      }
    }

    /** {@code C = op(A)·op(B)} with the chosen implementation. */
    void multiply(String impl, int n, boolean transA, boolean transB) {
      switch (impl) {
        case "lanes" -> Gemm.sgemm(transA, transB, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        case "openblas" -> cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans, n, n, n, 1f, nativeA, n, nativeB, n, 0f,
            nativeC, n);
        case "ejml" -> CommonOps_FDRM.mult(ejmlA, ejmlB, ejmlC);
        case "naive" -> reference.sgemm(transA, transB, n, n, n, 1f, a, 0, n, b, 0, n, 0f,
            c, 0, n);
        default -> throw new IllegalArgumentException("unknown impl " + impl);
      }
    }

    private static float[] randomMatrix(SplittableRandom random, int n) {
      float[] m = new float[n * n];
      for (int i = 0; i < m.length; i++) {
        m[i] = (float) random.nextDouble(-1, 1);
      }
      return m;
    }
  }

  /** The square benchmark: every implementation, size and thread count. */
  @State(Scope.Benchmark)
  public static class Square extends Operands {
    @Param({"lanes", "openblas", "ejml", "naive"})
    String impl;

    @Param({"64", "256", "512", "1024", "2048"})
    int n;

    @Param({"1", "2"})
    int threads;

    @Setup(Level.Trial)
    public void setUp() {
      boolean singleThreaded = impl.equals("ejml") || impl.equals("naive");
      if (singleThreaded && threads > 1) {
        throw new UnsupportedOperationException(
            "skipped: " + impl + " is single-threaded, it runs with threads = 1 only");
      }
      if (singleThreaded && n > 1024) {
        throw new UnsupportedOperationException(
            "skipped: " + impl + " runs up to n = 1024 (minutes per call beyond)");
      }
      allocate(impl, n, threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      free();
    }
  }

  /** The transposed layouts at n = 512, for Lanes and OpenBLAS. */
  @State(Scope.Benchmark)
  public static class Transposed extends Operands {
    @Param({"lanes", "openblas"})
    String impl;

    /** NN = A·B, NT = A·Bᵀ (dense forward), TN = Aᵀ·B (dense weight gradient). */
    @Param({"NN", "NT", "TN"})
    String layout;

    @Param({"512"})
    int n;

    @Param({"1"})
    int threads;

    @Setup(Level.Trial)
    public void setUp() {
      if (!impl.equals("lanes") && !impl.equals("openblas")) {
        throw new UnsupportedOperationException("skipped: transposed runs lanes and openblas");
      }
      allocate(impl, n, threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      free();
    }
  }

  @Benchmark
  public float[] sgemm(Square s) {
    s.multiply(s.impl, s.n, false, false);
    return s.c;
  }

  @Benchmark
  public float[] transposed(Transposed s) {
    s.multiply(s.impl, s.n, s.layout.charAt(0) == 'T', s.layout.charAt(1) == 'T');
    return s.c;
  }
}
