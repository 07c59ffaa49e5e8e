package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.parallel.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Batch norm splits its channels over the threads: the output, the input gradient, the
 * parameter gradients and the running statistics are the same bits for 1 and 3 threads.
 */
class BatchNormThreadsTest {
  @Test
  void resultsDoNotDependOnTheThreadCount() {
    int before = Parallel.threads();
    try {
      float[][] one = trainingStep(1);
      float[][] three = trainingStep(3);
      for (int i = 0; i < one.length; i++) {
        assertArrayEquals(one[i], three[i], "result " + i);
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  /** N = 6, C = 7 (not a multiple of the threads), 48×48: enough values per channel to split. */
  private static float[][] trainingStep(int threads) {
    Parallel.setThreads(threads);
    BatchNorm bn = new BatchNorm.Config().create("bn");
    bn.build(Shape.of(7, 48, 48), new SplittableRandom(1));
    SplittableRandom r = new SplittableRandom(2);
    Tensor x = Tensor.zeros(6, 7, 48, 48);
    Tensor dOut = Tensor.zeros(6, 7, 48, 48);
    for (Tensor t : new Tensor[] {x, dOut}) {
      for (int i = 0; i < t.size(); i++) {
        t.data()[i] = (float) r.nextDouble(-2, 3);
      }
    }
    float[] gamma = bn.params().get(0).value().data();
    for (int c = 0; c < gamma.length; c++) {
      gamma[c] = 0.5f + c; // so that dx depends on the channel's own γ
    }
    float[] y = bn.forward(x, true).toArray();
    float[] dx = bn.backward(dOut).toArray();
    return new float[][] {y, dx, bn.params().get(0).grad().toArray(),
        bn.params().get(1).grad().toArray(), bn.buffers().get(0).value().toArray(),
        bn.buffers().get(1).value().toArray()};
  }
}
