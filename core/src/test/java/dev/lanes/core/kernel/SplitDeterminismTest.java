package dev.lanes.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.kernel.ActivationSplit.Op;
import dev.lanes.core.parallel.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Long activation and pooling calls run on the pool in blocks: for 1, 2 and 3 threads the
 * facades give exactly what one call of the kernel over the whole array gives, on lengths
 * around the block edges and at non-zero offsets, canaries around the output intact; max
 * pooling with its relu, a block at a time, what the pooling and relu kernels give on the whole
 * arrays one after the other.
 */
class SplitDeterminismTest {
  private static final KernelProvider KERNELS = KernelProvider.get();
  private static final int OFF = 3;
  private static final float CANARY = 777.25f;
  private final int threadsBefore = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(threadsBefore);
  }

  private static float[] randomArray(SplittableRandom random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (random.nextDouble() * 8 - 4);
    }
    a[n / 2] = Float.NaN;
    a[n / 3] = -0f;
    return a;
  }

  @Test
  void activationsMatchOneWholeCallForAnyThreadCount() {
    int block = ActivationSplit.BLOCK;
    int min = ActivationSplit.MIN_PARALLEL;
    int[] lengths = {min - 1, min, min + 1, 5 * block + 13, 7 * block - 1};
    SplittableRandom random = new SplittableRandom(11);
    for (int n : lengths) {
      float[] x = randomArray(random, n + OFF);
      float[] dy = randomArray(random, n + OFF);
      for (Op op : Op.values()) {
        float[] whole = filled(n + 2 * OFF);
        callKernel(op, whole, x, dy, n);
        for (int threads = 1; threads <= 3; threads++) {
          Parallel.setThreads(threads);
          float[] split = filled(n + 2 * OFF);
          callFacade(op, split, x, dy, n);
          assertTrue(Arrays.equals(whole, split), op + ", n = " + n + ", " + threads
              + " threads: differs from one call over the whole array");
        }
      }
    }
  }

  private static float[] filled(int n) {
    float[] a = new float[n];
    Arrays.fill(a, CANARY);
    return a;
  }

  /** The kernel itself, one call over all n elements. */
  private static void callKernel(Op op, float[] out, float[] x, float[] dy, int n) {
    ActivationKernels k = KERNELS.activations();
    switch (op) {
      case RELU -> k.relu(out, OFF, x, OFF, n);
      case RELU_BACKWARD -> k.reluBackward(out, OFF, dy, OFF, x, OFF, n);
      case LEAKY_RELU -> k.leakyRelu(out, OFF, x, OFF, 0.1f, n);
      case LEAKY_RELU_BACKWARD -> k.leakyReluBackward(out, OFF, dy, OFF, x, OFF, 0.1f, n);
      case SIGMOID -> k.sigmoid(out, OFF, x, OFF, n);
      case SIGMOID_BACKWARD -> k.sigmoidBackward(out, OFF, dy, OFF, x, OFF, n);
      case TANH -> k.tanh(out, OFF, x, OFF, n);
      case TANH_BACKWARD -> k.tanhBackward(out, OFF, dy, OFF, x, OFF, n);
      case EXP -> k.exp(out, OFF, x, OFF, n);
      case EXP_BACKWARD -> k.expBackward(out, OFF, dy, OFF, x, OFF, n);
      case GELU -> k.gelu(out, OFF, x, OFF, n);
      case GELU_BACKWARD -> k.geluBackward(out, OFF, dy, OFF, x, OFF, n);
      case SOFTPLUS -> k.softplus(out, OFF, x, OFF, n);
      case SOFTPLUS_BACKWARD -> k.softplusBackward(out, OFF, dy, OFF, x, OFF, n);
    }
  }

  /** The public facade, which splits long calls. */
  private static void callFacade(Op op, float[] out, float[] x, float[] dy, int n) {
    switch (op) {
      case RELU -> Activations.relu(out, OFF, x, OFF, n);
      case RELU_BACKWARD -> Activations.reluBackward(out, OFF, dy, OFF, x, OFF, n);
      case LEAKY_RELU -> Activations.leakyRelu(out, OFF, x, OFF, 0.1f, n);
      case LEAKY_RELU_BACKWARD ->
          Activations.leakyReluBackward(out, OFF, dy, OFF, x, OFF, 0.1f, n);
      case SIGMOID -> Activations.sigmoid(out, OFF, x, OFF, n);
      case SIGMOID_BACKWARD -> Activations.sigmoidBackward(out, OFF, dy, OFF, x, OFF, n);
      case TANH -> Activations.tanh(out, OFF, x, OFF, n);
      case TANH_BACKWARD -> Activations.tanhBackward(out, OFF, dy, OFF, x, OFF, n);
      case EXP -> Activations.exp(out, OFF, x, OFF, n);
      case EXP_BACKWARD -> Activations.expBackward(out, OFF, dy, OFF, x, OFF, n);
      case GELU -> Activations.gelu(out, OFF, x, OFF, n);
      case GELU_BACKWARD -> Activations.geluBackward(out, OFF, dy, OFF, x, OFF, n);
      case SOFTPLUS -> Activations.softplus(out, OFF, x, OFF, n);
      case SOFTPLUS_BACKWARD -> Activations.softplusBackward(out, OFF, dy, OFF, x, OFF, n);
    }
  }

  @Test
  void poolingMatchesOneWholeCallForAnyThreadCount() {
    Pool2dGeometry[] geometries = {
        Pool2dGeometry.of(64, 32, 28, 28, 2),                      // a CNN's first pooling
        new Pool2dGeometry(7, 9, 17, 17, 3, 3, 2, 2, 1, 1),        // planes not a block multiple
        new Pool2dGeometry(2, 3, 130, 131, 2, 2, 2, 2, 0, 0),      // a plane larger than a block
        new Pool2dGeometry(1, 1, 300, 300, 2, 2, 1, 1, 1, 1),      // one plane: no split
        Pool2dGeometry.of(2, 4, 20, 20, 2)};                       // short: inline
    SplittableRandom random = new SplittableRandom(12);
    PoolKernels k = KERNELS.pool();
    for (Pool2dGeometry g : geometries) {
      float[] x = randomArray(random, g.inputSize() + OFF);
      float[] dy = randomArray(random, g.outputSize() + OFF);
      int[] argmax = new int[g.outputSize() + OFF];
      float[] max = filled(g.outputSize() + 2 * OFF);
      k.maxPoolForward(max, OFF, argmax, OFF, x, OFF, g);
      float[] dMax = filled(g.inputSize() + 2 * OFF);
      k.maxPoolBackward(dMax, OFF, dy, OFF, argmax, OFF, g);
      float[] avg = filled(g.outputSize() + 2 * OFF);
      k.avgPoolForward(avg, OFF, x, OFF, g, false);
      float[] dAvg = filled(g.inputSize() + 2 * OFF);
      k.avgPoolBackward(dAvg, OFF, dy, OFF, g, true);
      // the relu after the max pooling: the relu kernel on the whole pooled output, and its
      // backward then the pooling's
      float[] relu = filled(g.outputSize() + 2 * OFF);
      KERNELS.activations().relu(relu, OFF, max, OFF, g.outputSize());
      float[] dPooled = new float[g.outputSize()];
      KERNELS.activations().reluBackward(dPooled, 0, dy, OFF, max, OFF, g.outputSize());
      float[] dRelu = filled(g.inputSize() + 2 * OFF);
      k.maxPoolBackward(dRelu, OFF, dPooled, 0, argmax, OFF, g);
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        String where = g + ", " + threads + " threads";
        float[] out = filled(g.outputSize() + 2 * OFF);
        int[] arg = new int[g.outputSize() + OFF];
        Pool.maxPoolForward(out, OFF, arg, OFF, x, OFF, g);
        assertArrayEquals(max, out, "maxPoolForward, " + where);
        assertArrayEquals(argmax, arg, "argmax, " + where);
        float[] dx = filled(g.inputSize() + 2 * OFF);
        Pool.maxPoolBackward(dx, OFF, dy, OFF, arg, OFF, g);
        assertArrayEquals(dMax, dx, "maxPoolBackward, " + where);
        out = filled(g.outputSize() + 2 * OFF);
        Pool.avgPoolForward(out, OFF, x, OFF, g, false);
        assertArrayEquals(avg, out, "avgPoolForward, " + where);
        dx = filled(g.inputSize() + 2 * OFF);
        Pool.avgPoolBackward(dx, OFF, dy, OFF, g, true);
        assertArrayEquals(dAvg, dx, "avgPoolBackward, " + where);
        out = filled(g.outputSize() + 2 * OFF);
        float[] reluOut = filled(g.outputSize() + 2 * OFF);
        arg = new int[g.outputSize() + OFF];
        Pool.maxPoolReluForward(out, OFF, reluOut, OFF, arg, OFF, x, OFF, g);
        assertArrayEquals(max, out, "maxPoolReluForward's pooled values, " + where);
        assertArrayEquals(relu, reluOut, "maxPoolReluForward's relu, " + where);
        assertArrayEquals(argmax, arg, "maxPoolReluForward's argmax, " + where);
        dx = filled(g.inputSize() + 2 * OFF);
        Pool.maxPoolReluBackward(dx, OFF, dy, OFF, out, OFF, arg, OFF, g);
        assertArrayEquals(dRelu, dx, "maxPoolReluBackward, " + where);
      }
    }
  }
}
