package dev.lanes.core.parallel;

/**
 * The one shared {@link WorkerPool} that runs the parallel parts of every kernel. Its size is the
 * system property {@code lanes.threads} if set, else the number of available processors; {@link
 * #setThreads} changes it at run time (the {@code --threads} option, benchmarks).
 */
public final class Parallel {
  /** The chunks per thread that {@link #balancedChunk} aims at. */
  static final int CHUNKS_PER_THREAD = 4;

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

  /**
   * A chunk for {@link #parallelForDynamic} that gives each thread about {@link
   * #CHUNKS_PER_THREAD} chunks of the n items, and no chunk fewer than {@code minChunk} items.
   * An equal share per thread ({@link #parallelFor}) waits for the slower thread, and on a
   * shared 2-vCPU machine one thread is often slowed for a while by other processes: in a
   * traced two-thread CNN step, the halves of a batch-norm, pooling, relu or Adam pass left one
   * thread idle for 20-40% of the call. With several chunks each, the thread that is ahead takes
   * more of them.
   */
  public static int balancedChunk(int n, int minChunk) {
    int chunks = CHUNKS_PER_THREAD * threads();
    return Math.max(Math.max(1, minChunk), (int) ((n + (long) chunks - 1) / chunks));
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
