package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.Shape;
import dev.lanes.core.parallel.Parallel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ParamTest {
  /** Small gradients and large ones (zeroed in ranges over the pool), 1 to 3 threads. */
  @Test
  void zeroGradZeroesEveryValue() {
    int before = Parallel.threads();
    try {
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        for (int size : new int[] {1, 1000, Param.PARALLEL_ZERO, 3 * Param.PARALLEL_ZERO + 5}) {
          Param p = new Param("weight", Shape.of(size));
          Arrays.fill(p.grad().data(), 2.5f);
          p.zeroGrad();
          for (int i = 0; i < size; i++) {
            assertEquals(0f, p.grad().data()[i], threads + " threads, " + size + " values, " + i);
          }
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }
}
