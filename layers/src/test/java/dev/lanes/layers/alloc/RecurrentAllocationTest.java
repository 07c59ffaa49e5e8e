package dev.lanes.layers.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.layers.Gru;
import dev.lanes.layers.Lstm;
import dev.lanes.layers.Param;
import dev.lanes.layers.RecurrentLayer;
import dev.lanes.layers.SimpleRnn;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After the first batch, a training step of every recurrent layer (forward and backward, with
 * and without an initial state) allocates nothing, and a smaller batch reuses the buffers (only
 * the output and gradient views are new, as {@code Workspace} documents): counted with the JVM's
 * per-thread allocation counter, in the scalar-kernel fork (see {@link SteadyStateAllocationTest}
 * for why). With the SIMD kernels RnnBench's {@code -prof gc} measures the same.
 */
class RecurrentAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @BeforeAll
  static void onlyWithScalarKernels() {
    assumeFalse(KernelProvider.get().isSimd(), "counts allocation only with"
        + " -Dlanes.kernels=scalar, as layers/pom.xml's allocation-scalar-kernels execution"
        + " runs it");
  }

  private static Tensor random(Shape shape, SplittableRandom r) {
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) r.nextDouble(-1, 1);
    }
    return t;
  }

  /** The least bytes allocated over three windows of 20 steps, after two uncounted steps. */
  private static long allocated(Runnable step) {
    step.run();
    step.run();
    THREADS.getCurrentThreadAllocatedBytes();
    long least = Long.MAX_VALUE;
    for (int window = 0; window < 3 && least > 0; window++) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 20; i++) {
        step.run();
      }
      least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
    }
    return least;
  }

  @Test
  void aTrainingStepAfterTheFirstAllocatesNothing() {
    List<RecurrentLayer> layers = List.of(new SimpleRnn.Config(6, true).create("rnn"),
        new Lstm.Config(6, true, true).create("lstm"), new Gru.Config(6).create("gru"),
        new Gru.Config(6, true, Gru.Variant.CHO).create("cho"));
    SplittableRandom r = new SplittableRandom(1);
    for (RecurrentLayer layer : layers) {
      Shape out = layer.build(Shape.of(5, 3), r);
      Tensor x = random(Shape.of(4, 5, 3), r);
      Tensor dOut = random(out.prepend(4), r);
      Tensor h0 = random(Shape.of(4, 6), r);
      Tensor small = x.slice(0, 2);
      Tensor dSmall = dOut.slice(0, 2);
      boolean[] withState = {false};
      List<Param> params = layer.params();
      long bytes = allocated(() -> {
        for (int i = 0; i < params.size(); i++) { // by index: an iterator would be allocated
          params.get(i).zeroGrad();
        }
        withState[0] = !withState[0];
        layer.setInitialState(withState[0] ? h0 : null);
        layer.forward(x, true);
        layer.backward(dOut);
      });
      assertEquals(0, bytes, layer.name() + " allocated per 20 steps");
      long before = THREADS.getCurrentThreadAllocatedBytes();
      layer.forward(small, true);
      layer.backward(dSmall);
      long smaller = THREADS.getCurrentThreadAllocatedBytes() - before;
      // the buffers of one batch of 4 are over 1,000 floats: none was allocated again
      assertTrue(smaller < 1000,
          layer.name() + " allocated " + smaller + " bytes for a batch of 2");
    }
  }
}
