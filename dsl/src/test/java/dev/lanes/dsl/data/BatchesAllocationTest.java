package dev.lanes.dsl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.Tensor;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * After construction, shuffling epochs and iterating batches allocate nothing: measured with
 * the JVM's per-thread allocation counter. (Batches copies rows with System.arraycopy and uses
 * no kernels, so unlike the layers' allocation test this needs no scalar-kernel fork.)
 */
class BatchesAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * The bytes this thread allocates running body {@code times} times: the least of up to three
   * windows, after two uncounted runs, so that class loading and a one-off allocation by the
   * JVM itself (as the JIT swaps code) do not count; a body that allocates shows in every
   * window. As in layers' SteadyStateAllocationTest.
   */
  private static long allocated(Runnable body, int times) {
    body.run();
    body.run();
    THREADS.getCurrentThreadAllocatedBytes(); // the first call may allocate; not counted
    long least = Long.MAX_VALUE;
    for (int window = 0; window < 3 && least > 0; window++) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < times; i++) {
        body.run();
      }
      least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
    }
    return least;
  }

  @Test
  void shuffledEpochsOfLabelledBatchesAllocateNothing() {
    Dataset d = Dataset.ofLabels(DatasetTest.indexed(1000), DatasetTest.labelsOf(1000, 10), 10);
    Batches batches = Batches.shuffled(d, 64, 7); // 15 full batches and one of 40
    int[] epoch = {0};
    float[] sink = {0};
    long bytes = allocated(() -> {
      for (Batch b : batches.epoch(epoch[0]++)) {
        sink[0] += b.features().data()[0] + b.labels().data()[b.size() - 1];
      }
    }, 20);
    assertEquals(0, bytes, "bytes allocated by 20 epochs of 16 batches");
  }

  @Test
  void batchesWithTargetsAndDropLastAllocateNothing() {
    Dataset d = Dataset.ofTargets(DatasetTest.indexed(300), Tensor.zeros(300, 3));
    Batches batches = Batches.shuffled(d, 32, 3).dropLast();
    int[] epoch = {0};
    float[] sink = {0};
    long bytes = allocated(() -> {
      for (Batch b : batches.epoch(epoch[0]++)) {
        sink[0] += b.targets().data()[0] + b.index(b.size() - 1);
      }
    }, 20);
    assertEquals(0, bytes, "bytes allocated by 20 epochs of 9 batches");
  }
}
