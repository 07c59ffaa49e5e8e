package dev.lanes.core.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
  private final int threadsBefore = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(threadsBefore);
  }

  @Test
  void balancedChunksGiveEachThreadSeveralUnlessTheyWouldBeTooSmall() {
    Parallel.setThreads(2);
    assertEquals(8, Parallel.balancedChunk(64, 1), "64 items: 8 chunks of 8");
    assertEquals(2, Parallel.balancedChunk(11, 1), "11 items: 6 chunks, the last of 1");
    assertEquals(1, Parallel.balancedChunk(5, 1), "fewer items than chunks: one each");
    assertEquals(20, Parallel.balancedChunk(64, 20), "never below the least chunk");
    assertEquals(50176, Parallel.balancedChunk(401408, 16384));
    assertEquals(1, Parallel.balancedChunk(0, 0), "a chunk is at least one item");
    Parallel.setThreads(3);
    assertEquals(6, Parallel.balancedChunk(64, 1), "3 threads: 12 chunks, ⌈64 / 12⌉ items");
    Parallel.setThreads(1);
    assertEquals(16, Parallel.balancedChunk(64, 1));
  }
}
