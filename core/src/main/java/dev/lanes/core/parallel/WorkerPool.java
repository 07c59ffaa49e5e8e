package dev.lanes.core.parallel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A pool of persistent worker threads in which the calling thread takes part. Kernels call
 * {@link #parallelFor} many thousand times a second with work of tens of microseconds, so the
 * dispatch must cost about a microsecond: workers spin briefly on a sequence counter before
 * they park, the caller runs chunks itself instead of waiting idle, and one job object is reused
 * (a call allocates nothing).
 *
 * <p>One job runs at a time. A call made while the pool is busy (from a worker, inside a parallel
 * body, or from a second application thread) runs inline on the calling thread: correct, and it
 * never deadlocks.
 */
public final class WorkerPool implements AutoCloseable {
  /**
   * How long an idle worker polls for the next job before parking (nanoseconds). Waking a
   * parked thread takes tens to hundreds of microseconds on a virtual machine, about what a
   * 512 x 512 product's chunk takes: with 50 µs here and for the caller, two threads at n = 512
   * measured 2.3-2.9 ms, with 200 µs and 2 ms 1.6-2.2 ms (medians of 2-second loops, 4 each).
   */
  private static final long SPIN_NANOS = Long.getLong("tune.spinMicros", 200) * 1000;
  /**
   * How long a caller polls for the last chunks of its job before parking (nanoseconds): it
   * has nothing else to do, and a job's last chunk often ends within a millisecond.
   */
  private static final long CALLER_SPIN_NANOS =
      Long.getLong("tune.callerSpinMicros", 2000) * 1000;

  private final int parallelism;
  private final Thread[] workers;
  /** Not a reentrant lock: a nested call from the caller's own chunk must run inline. */
  private final AtomicBoolean busy = new AtomicBoolean();

  // The current job. The caller writes these between two bumps of `sequence` (odd while
  // writing, like a seqlock) so that a worker can tell a consistent snapshot from a torn one.
  private volatile RangeBody body;
  private volatile int items;
  private volatile int chunkSize;
  private volatile int chunks;
  private volatile long jobId;
  private volatile long sequence;
  /** (job id << 32) | next chunk index: a chunk is claimed only while its job is current. */
  private final AtomicLong ticket = new AtomicLong();
  private final AtomicInteger pendingChunks = new AtomicInteger();
  private volatile Throwable failure;
  private volatile Thread waitingCaller;
  private volatile boolean closed;

  /** A pool running jobs on {@code parallelism} threads: the caller plus parallelism - 1 workers. */
  public WorkerPool(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("a pool needs at least 1 thread, got " + parallelism);
    }
    this.parallelism = parallelism;
    this.workers = new Thread[parallelism - 1];
    for (int i = 0; i < workers.length; i++) {
      Thread t = new Thread(this::workerLoop, "lanes-worker-" + (i + 1));
      t.setDaemon(true);
      workers[i] = t;
      t.start();
    }
  }

  /** The number of threads a job runs on, the caller included. */
  public int parallelism() {
    return parallelism;
  }

  /**
   * Runs {@code body} over {@code [0, n)} split into contiguous chunks of at least {@code grain}
   * items, and returns when all are done. Runs inline when {@code n ≤ grain}, when the pool has
   * one thread, or when it is busy. The split depends on n, grain and the pool's parallelism
   * only, never on timing. The first exception of any chunk is rethrown here.
   */
  public void parallelFor(int n, int grain, RangeBody body) {
    if (n < 0 || grain < 1) {
      throw new IllegalArgumentException(
          "parallelFor: n must be >= 0 and grain >= 1, got n = " + n + ", grain = " + grain);
    }
    if (n == 0) {
      return;
    }
    int maxChunks = (int) Math.min((n + (long) grain - 1) / grain, parallelism);
    if (maxChunks <= 1 || closed || !busy.compareAndSet(false, true)) {
      body.run(0, n);
      return;
    }
    try {
      runJob(n, maxChunks, (n + maxChunks - 1) / maxChunks, body);
    } finally {
      busy.set(false);
    }
  }

  /**
   * Runs {@code body} over {@code [0, n)} in chunks of exactly {@code chunk} items (the last one
   * shorter), however many that makes, each claimed by whichever thread is free next. Where
   * {@link #parallelFor} gives each thread one equal share, this lets a thread that the
   * operating system deschedules for a while (another process on a 2-core machine) leave its
   * remaining chunks to the others instead of holding up the call. The chunks depend on n and
   * chunk only; which thread runs which depends on timing, so a body must compute the same
   * whoever runs it. Runs inline, as one call over {@code [0, n)}, under the same conditions as
   * {@link #parallelFor}.
   */
  public void parallelForDynamic(int n, int chunk, RangeBody body) {
    if (n < 0 || chunk < 1) {
      throw new IllegalArgumentException(
          "parallelForDynamic: n must be >= 0 and chunk >= 1, got n = " + n + ", chunk = "
              + chunk);
    }
    if (n == 0) {
      return;
    }
    int count = (int) ((n + (long) chunk - 1) / chunk);
    if (count <= 1 || parallelism == 1 || closed || !busy.compareAndSet(false, true)) {
      body.run(0, n);
      return;
    }
    try {
      runJob(n, count, chunk, body);
    } finally {
      busy.set(false);
    }
  }

  private void runJob(int n, int chunkCount, int size, RangeBody job) {
    long id = jobId + 1;
    sequence++; // odd: the fields below are being written
    body = job;
    items = n;
    chunks = chunkCount;
    chunkSize = size;
    failure = null;
    jobId = id;
    pendingChunks.set(chunkCount);
    ticket.set(id << 32);
    sequence++; // even: published
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    runChunks(id, job, n, chunkCount, chunkSize);
    awaitChunks();
    body = null;
    Throwable t = failure;
    if (t != null) {
      if (t instanceof RuntimeException e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException(t);
    }
  }

  /** Claims and runs chunks of job {@code id} until none are left or another job is current. */
  private void runChunks(long id, RangeBody job, int n, int count, int size) {
    while (true) {
      long t = ticket.get();
      int c = (int) t;
      if ((t >>> 32) != id || c >= count) {
        return;
      }
      if (!ticket.compareAndSet(t, t + 1)) {
        continue;
      }
      int start = c * size;
      int end = Math.min(n, start + size);
      try {
        if (start < end) {
          job.run(start, end);
        }
      } catch (Throwable e) {
        if (failure == null) {
          failure = e;
        }
      } finally {
        if (pendingChunks.decrementAndGet() == 0) {
          Thread caller = waitingCaller;
          if (caller != null) {
            LockSupport.unpark(caller);
          }
        }
      }
    }
  }

  private void awaitChunks() {
    long deadline = System.nanoTime() + CALLER_SPIN_NANOS;
    while (pendingChunks.get() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    if (pendingChunks.get() > 0) {
      waitingCaller = Thread.currentThread();
      while (pendingChunks.get() > 0) {
        LockSupport.park(this);
      }
      waitingCaller = null;
    }
  }

  private void workerLoop() {
    long seen = 0;
    while (!closed) {
      long seq = sequence;
      if (seq == seen || (seq & 1) != 0) {
        idle(seen);
        continue;
      }
      long id = jobId;
      RangeBody job = body;
      int n = items;
      int count = chunks;
      int size = chunkSize;
      if (sequence != seq) {
        continue; // a new job was being written meanwhile: read again
      }
      seen = seq;
      if (job != null) {
        runChunks(id, job, n, count, size);
      }
    }
  }

  /** Spins for a moment (the next job often comes within microseconds), then parks. */
  private void idle(long seen) {
    long deadline = System.nanoTime() + SPIN_NANOS;
    while (sequence == seen && !closed) {
      if (System.nanoTime() > deadline) {
        LockSupport.park(this);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /** Stops the workers; later calls run inline. */
  @Override
  public void close() {
    closed = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
  }
}
