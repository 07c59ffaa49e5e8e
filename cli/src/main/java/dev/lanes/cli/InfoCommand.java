package dev.lanes.cli;

import dev.lanes.core.kernel.Gemm;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.parallel.Parallel;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lanes info}: what runs the kernels here, and how fast a matrix multiply is. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Print the kernels in use (SIMD or scalar, vector width), threads, the JDK, "
        + "and a one-second sgemm self-measure in GFLOP/s.")
final class InfoCommand implements Callable<Integer> {
  /** The self-measure's square matrices: big enough to be compute-bound, small enough for 1 s. */
  static final int N = 512;

  @Spec
  CommandSpec spec;

  @Mixin
  ThreadsOption threads = new ThreadsOption();

  @Override
  public Integer call() {
    int threadCount = threads.apply(spec);
    PrintWriter out = spec.commandLine().getOut();
    String version = Lanes.class.getPackage().getImplementationVersion();
    out.printf(Locale.ROOT, "lanes      %s%n", version == null ? "0.1.0-SNAPSHOT" : version);
    out.printf(Locale.ROOT, "JDK        %s (%s), %s%n", Runtime.version(),
        System.getProperty("java.vendor"), System.getProperty("java.home"));
    out.printf(Locale.ROOT, "CPU        %s %s, %d processors%n", System.getProperty("os.arch"),
        System.getProperty("os.name"), Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "kernels    %s%n", KernelProvider.get().description());
    KernelProvider.simdUnavailableReason().ifPresent(reason ->
        out.printf(Locale.ROOT, "           (SIMD unavailable: %s)%n", reason));
    out.printf(Locale.ROOT, "threads    %d%n", threadCount);
    out.flush();
    double gflops = measureSgemm(1.0);
    out.printf(Locale.ROOT, "sgemm      %.1f GFLOP/s (n = %d, %d thread%s, one-second"
        + " self-measure after warm-up)%n", gflops, N, threadCount, threadCount == 1 ? "" : "s");
    return 0;
  }

  /**
   * Multiplies two random n×n matrices for {@code seconds} after a warm-up, and returns 2n³ per
   * multiply over the time. The warm-up matters: the first multiplies of a fresh JVM run the
   * Vector API in the interpreter, hundreds of times slower, until C2 has compiled the kernel
   * (about 1.5 s here); it runs at least 30 multiplies and 0.3 s, and at most 10 s.
   */
  static double measureSgemm(double seconds) {
    float[] a = random(N * N, 1);
    float[] b = random(N * N, 2);
    float[] c = new float[N * N];
    long warmUpStart = System.nanoTime();
    int warmUps = 0;
    long elapsed;
    do {
      multiply(a, b, c);
      warmUps++;
      elapsed = System.nanoTime() - warmUpStart;
    } while ((warmUps < 30 || elapsed < 300_000_000L) && elapsed < 10_000_000_000L);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    int runs = 0;
    do {
      multiply(a, b, c);
      runs++;
    } while (System.nanoTime() < end);
    double time = (System.nanoTime() - start) / 1e9;
    return 2.0 * N * N * N * runs / time / 1e9;
  }

  private static void multiply(float[] a, float[] b, float[] c) {
    Gemm.sgemm(false, false, N, N, N, 1f, a, 0, N, b, 0, N, 0f, c, 0, N);
  }

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }
}
