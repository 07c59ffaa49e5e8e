package dev.lanes.core.parallel;

/**
 * The one shared {@link WorkerPool} that runs the parallel parts of every kernel. Its size is the
 * system property {@code lanes.threads} if set, else the number of available processors; {@link
 * #setThreads} changes it at run time (the {@code --threads} option, benchmarks).
 */
public final class Parallel {
  private static volatile WorkerPool pool = new WorkerPool(defaultThreads());

  private Parallel() {}

  /** The threads a parallel loop runs on, the caller included. */
  public static int threads() {
    return pool.parallelism();
  }

  /**
   * Replaces the shared pool by one of {@code threads} threads. Loops already running finish on
   * the old pool, whose workers then stop.
   */
  public static synchronized void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (threads != pool.parallelism()) {
      WorkerPool old = pool;
      pool = new WorkerPool(threads);
      old.close();
    }
  }

  /**
   * Runs {@code body} over {@code [0, n)} in contiguous chunks of at least {@code grain} items on
   * the shared pool; inline when the work is small ({@code n ≤ grain}) or the pool is busy.
   */
  public static void parallelFor(int n, int grain, RangeBody body) {
    pool.parallelFor(n, grain, body);
  }

  /**
   * Runs {@code body} over {@code [0, n)} in chunks of {@code chunk} items, each taken by
   * whichever thread of the shared pool is free next (see {@link WorkerPool#parallelForDynamic}).
   */
  public static void parallelForDynamic(int n, int chunk, RangeBody body) {
    pool.parallelForDynamic(n, chunk, body);
  }

  static int defaultThreads() {
    String configured = System.getProperty("lanes.threads", "").trim();
    if (configured.isEmpty()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int t = Integer.parseInt(configured);
      if (t >= 1) {
        return t;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "-Dlanes.threads=" + configured + ": expected a whole number >= 1");
  }
}
