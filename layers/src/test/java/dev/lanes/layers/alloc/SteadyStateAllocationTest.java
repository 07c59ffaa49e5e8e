package dev.lanes.layers.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.layers.Param;
import dev.lanes.layers.loss.BinaryCrossEntropyWithLogits;
import dev.lanes.layers.loss.Loss;
import dev.lanes.layers.loss.MeanSquaredError;
import dev.lanes.layers.loss.SoftmaxCrossEntropy;
import dev.lanes.layers.optim.Adam;
import dev.lanes.layers.optim.AdamW;
import dev.lanes.layers.optim.CosineAnnealing;
import dev.lanes.layers.optim.GradientClipping;
import dev.lanes.layers.optim.L2Regularization;
import dev.lanes.layers.optim.LearningRateSchedule;
import dev.lanes.layers.optim.LinearWarmup;
import dev.lanes.layers.optim.Optimizer;
import dev.lanes.layers.optim.RmsProp;
import dev.lanes.layers.optim.Sgd;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After the first step, a training step's optimizer, loss, clipping, L2 and schedule calls
 * allocate nothing: measured with the JVM's per-thread allocation counter.
 *
 * <p>This runs only in its own surefire execution with {@code -Dlanes.kernels=scalar} (see
 * layers/pom.xml): the scalar kernels are plain loops that allocate nothing even interpreted,
 * so any byte counted here is this module's. The SIMD kernels allocate vector objects until C2
 * compiles them, which would make the count depend on JIT timing; their steady state is
 * LayerBench's to measure with {@code -prof gc}.
 */
class SteadyStateAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @BeforeAll
  static void onlyWithScalarKernels() {
    assumeFalse(KernelProvider.get().isSimd(), "counts allocation only with"
        + " -Dlanes.kernels=scalar, as layers/pom.xml's allocation-scalar-kernels execution"
        + " runs it");
  }

  /**
   * The bytes this thread allocates running body {@code times} times: the smallest count of up
   * to three such windows, after two uncounted runs (first calls load and initialise classes).
   * A step that allocates shows in every window; a one-off allocation by the JVM itself (seen:
   * 392 bytes once in 250 steps, as the JIT swapped code) does not fail the test.
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

  private static List<Param> params() {
    Param w = new Param("weight", Shape.of(7, 11));
    Param b = new Param("bias", Shape.of(7));
    for (Param p : List.of(w, b)) {
      float[] g = p.grad().data();
      for (int i = 0; i < g.length; i++) {
        g[i] = (i % 5 - 2) * 0.1f;
      }
    }
    return List.of(w, b);
  }

  @Test
  void optimizerStepsAfterTheFirst() {
    LearningRateSchedule schedule = new LinearWarmup(new CosineAnnealing(0.01f, 100), 10, 0.1f);
    for (Optimizer opt : new Optimizer[] {new Sgd(), new Sgd(Sgd.Config.nesterov(0.9f)
        .withWeightDecay(1e-3f)), new Adam(), new AdamW(), new RmsProp(RmsProp.Config.defaults()
        .withCentered(true).withMomentum(0.5f))}) {
      List<Param> params = params();
      opt.step(params, 0.01f); // creates the state
      int[] t = {0};
      long bytes = allocated(() -> {
        L2Regularization.addGradient(params, 1e-4f);
        GradientClipping.clipByGlobalNorm(params, 1f);
        opt.step(params, schedule.rate(t[0]++));
      }, 50);
      assertEquals(0, bytes, opt.getClass().getSimpleName() + " allocated per 50 steps");
    }
  }

  @Test
  void lossStepsAfterTheFirstBatch() {
    Tensor logits = Tensor.zeros(8, 5);
    Tensor labels = Tensor.wrap(new float[] {0, 1, 2, 3, 4, 0, 1, 2}, 8);
    Tensor values = Tensor.zeros(8, 5);
    Tensor targets = Tensor.zeros(8, 5);
    Tensor d = Tensor.zeros(8, 5);
    Tensor smallLogits = logits.slice(0, 3);
    Tensor smallLabels = labels.slice(0, 3);
    Tensor smallD = d.slice(0, 3);
    Loss[] losses = {new SoftmaxCrossEntropy(0.1f), new MeanSquaredError(),
        new BinaryCrossEntropyWithLogits()};
    for (Loss loss : losses) {
      boolean ce = loss instanceof SoftmaxCrossEntropy;
      Tensor target = ce ? labels : targets;
      loss.forward(ce ? logits : values, target); // sizes the workspaces
      loss.backward(d);
      long bytes = allocated(() -> {
        loss.forward(ce ? logits : values, target);
        loss.backward(d);
        if (ce) { // a smaller last batch reuses the workspaces
          loss.forward(smallLogits, smallLabels);
          loss.backward(smallD);
        }
      }, 50);
      assertEquals(0, bytes, loss.getClass().getSimpleName() + " allocated per 50 steps");
    }
  }
}
