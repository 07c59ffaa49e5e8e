package dev.lanes.layers.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.Shape;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.layers.Param;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Adam and AdamW split the update of a large parameter over the pool's threads: the weights
 * and moments after a few steps must be the same bits with 1 thread and with 2, for sizes
 * around the split's threshold (an odd size leaves a vector tail inside the last range).
 */
class OptimizerThreadsTest {
  private static final int[] SIZES = {
      AdamMoments.PARALLEL_SIZE - 1, AdamMoments.PARALLEL_SIZE, 3 * AdamMoments.PARALLEL_SIZE + 13};

  @Test
  void adamGivesTheSameBitsForOneAndTwoThreads() {
    assertSameBits(() -> new Adam(Adam.Config.defaults().withWeightDecay(0.01f)));
  }

  @Test
  void adamWGivesTheSameBitsForOneAndTwoThreads() {
    assertSameBits(() -> new AdamW(AdamW.Config.defaults()));
  }

  private static void assertSameBits(Supplier<Optimizer> optimizer) {
    int before = Parallel.threads();
    try {
      for (int size : SIZES) {
        float[][] one = run(optimizer.get(), size, 1);
        float[][] two = run(optimizer.get(), size, 2);
        for (int i = 0; i < one.length; i++) {
          assertArrayEquals(one[i], two[i], "size " + size + ", array " + i);
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  /** Three steps on seeded weights and gradients; returns w, exp_avg and exp_avg_sq. */
  private static float[][] run(Optimizer opt, int size, int threads) {
    Parallel.setThreads(threads);
    SplittableRandom r = new SplittableRandom(11);
    Param p = new Param("weight", Shape.of(size));
    float[] w = p.value().data();
    for (int i = 0; i < size; i++) {
      w[i] = (float) r.nextGaussian();
    }
    for (int t = 0; t < 3; t++) {
      p.zeroGrad();
      float[] g = p.grad().data();
      for (int i = 0; i < size; i++) {
        g[i] = (float) r.nextGaussian();
      }
      opt.step(List.of(p), 1e-2f);
    }
    ParamState state = opt.state(p);
    assertEquals(3, state.step());
    return new float[][] {p.value().toArray(), state.buffers().get("exp_avg"),
        state.buffers().get("exp_avg_sq")};
  }
}
