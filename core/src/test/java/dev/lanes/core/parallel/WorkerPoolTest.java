package dev.lanes.core.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
  @Test
  void everyIndexRunsExactlyOnce() {
    try (WorkerPool pool = new WorkerPool(3)) {
      for (int n : new int[] {0, 1, 2, 3, 7, 100, 1001}) {
        for (int grain : new int[] {1, 2, 5, 64, 5000}) {
          AtomicIntegerArray hits = new AtomicIntegerArray(n);
          pool.parallelFor(n, grain, (start, end) -> {
            for (int i = start; i < end; i++) {
              hits.incrementAndGet(i);
            }
          });
          for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "n = " + n + ", grain = " + grain + ", index " + i);
          }
        }
      }
    }
  }

  @Test
  void dynamicChunksCoverEveryIndexOnceInChunksOfTheGivenSize() {
    try (WorkerPool pool = new WorkerPool(2)) {
      for (int n : new int[] {0, 1, 2, 3, 7, 9, 100, 1001}) {
        for (int chunk : new int[] {1, 2, 4, 64, 5000}) {
          AtomicIntegerArray hits = new AtomicIntegerArray(n);
          List<String> wrong = Collections.synchronizedList(new ArrayList<>());
          pool.parallelForDynamic(n, chunk, (start, end) -> {
            // every chunk starts at a multiple of chunk and is full unless it is the last
            if (start % chunk != 0 || (end - start != chunk && end != n)) {
              wrong.add("[" + start + ", " + end + ")");
            }
            for (int i = start; i < end; i++) {
              hits.incrementAndGet(i);
            }
          });
          assertTrue(wrong.isEmpty(), "n = " + n + ", chunk = " + chunk + ": " + wrong);
          for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "n = " + n + ", chunk = " + chunk + ", index " + i);
          }
        }
      }
    }
  }

  @Test
  void manyJobsInARowStayCorrect() {
    // back-to-back jobs are where a worker could mix up one job's chunks with the next's
    try (WorkerPool pool = new WorkerPool(2)) {
      long[] sums = new long[1];
      for (int job = 0; job < 20_000; job++) {
        int n = 2 + job % 50;
        AtomicInteger sum = new AtomicInteger();
        pool.parallelFor(n, 1, (start, end) -> {
          for (int i = start; i < end; i++) {
            sum.addAndGet(i);
          }
        });
        assertEquals(n * (n - 1) / 2, sum.get(), "job " + job);
        sums[0] += sum.get();
      }
      assertTrue(sums[0] > 0);
    }
  }

  @Test
  void smallWorkRunsInlineOnTheCaller() {
    try (WorkerPool pool = new WorkerPool(2)) {
      List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
      pool.parallelFor(10, 10, (s, e) -> threads.add(Thread.currentThread()));
      assertEquals(List.of(Thread.currentThread()), threads);
    }
  }

  @Test
  void workIsSharedWithAWorker() throws Exception {
    try (WorkerPool pool = new WorkerPool(2)) {
      // each chunk waits for the other, so they can only finish if two threads run them
      CountDownLatch both = new CountDownLatch(2);
      pool.parallelFor(2, 1, (s, e) -> {
        both.countDown();
        try {
          assertTrue(both.await(10, java.util.concurrent.TimeUnit.SECONDS), "no second thread");
        } catch (InterruptedException ex) {
          throw new IllegalStateException(ex);
        }
      });
    }
  }

  @Test
  void nestedCallsRunInlineWithoutDeadlock() {
    try (WorkerPool pool = new WorkerPool(2)) {
      AtomicInteger count = new AtomicInteger();
      pool.parallelFor(4, 1, (s, e) -> {
        for (int i = s; i < e; i++) {
          pool.parallelFor(10, 1, (s2, e2) -> count.addAndGet(e2 - s2));
        }
      });
      assertEquals(40, count.get());
    }
  }

  @Test
  void concurrentCallersAllGetTheirWorkDone() throws Exception {
    try (WorkerPool pool = new WorkerPool(2)) {
      int callers = 4;
      AtomicInteger total = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < callers; t++) {
        Thread th = new Thread(() -> {
          for (int rep = 0; rep < 500; rep++) {
            pool.parallelFor(100, 1, (s, e) -> total.addAndGet(e - s));
          }
        });
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join(30_000);
      }
      assertEquals(callers * 500 * 100, total.get());
    }
  }

  @Test
  void theFirstExceptionReachesTheCaller() {
    try (WorkerPool pool = new WorkerPool(2)) {
      IllegalStateException boom = new IllegalStateException("boom");
      IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
          pool.parallelFor(100, 1, (s, e) -> {
            if (s == 0) {
              throw boom;
            }
          }));
      assertSame(boom, thrown);
      // and the pool still works afterwards
      AtomicInteger count = new AtomicInteger();
      pool.parallelFor(100, 1, (s, e) -> count.addAndGet(e - s));
      assertEquals(100, count.get());
    }
  }

  @Test
  void badArgumentsAreNamed() {
    try (WorkerPool pool = new WorkerPool(1)) {
      assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(-1, 1, (s, e) -> {}));
      assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(1, 0, (s, e) -> {}));
      assertThrows(IllegalArgumentException.class,
          () -> pool.parallelForDynamic(1, 0, (s, e) -> {}));
    }
    assertEquals("a pool needs at least 1 thread, got 0",
        assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0)).getMessage());
  }

  @Test
  void theSharedPoolCanBeResized() {
    int before = Parallel.threads();
    try {
      Parallel.setThreads(3);
      assertEquals(3, Parallel.threads());
      AtomicInteger count = new AtomicInteger();
      Parallel.parallelFor(1000, 10, (s, e) -> count.addAndGet(e - s));
      assertEquals(1000, count.get());
    } finally {
      Parallel.setThreads(before);
    }
    assertEquals(before, Parallel.threads());
  }
}
