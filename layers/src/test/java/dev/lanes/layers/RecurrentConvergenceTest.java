package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.layers.loss.MeanSquaredError;
import dev.lanes.layers.optim.Adam;
import dev.lanes.layers.optim.GradientClipping;
import dev.lanes.layers.optim.Optimizer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A task that needs memory: remember the first value of a sequence of 20 steps through 19 steps
 * of noise on the same input, and output it at the end. Step 0 holds (v, 1) with v ~ U(−1, 1),
 * steps 1 to 19 hold (ε, 0) with ε ~ N(0, 2²); the target is v (mean squared error; predicting
 * the mean gives the variance of v, 1/3).
 *
 * <p>A gated cell solves it exactly: the flag opens the LSTM's input gate (the GRU's update
 * gate) at step 0 and keeps it shut afterwards, so the noise never enters the memory. A simple
 * RNN adds every input into its state through the same weights; to keep a continuous value
 * through noise twice its size it would have to build a gate out of saturated tanh units, which
 * it rarely finds.
 *
 * <p>All cells: H = 32, then a dense layer to one output; Adam at lr 0.02 with gradients clipped
 * to a global norm of 1, as recurrent nets are trained (Pascanu et al. 2013; without clipping the
 * simple RNN's exploding gradients make its result a matter of luck, and the comparison should
 * be about memory); 25 epochs of 512 sequences in batches of 32. Each cell is trained three times
 * (data, initialization and shuffling from three seeds) and judged by the median test error,
 * because single runs are fragile here: a gated cell sits on the 1/3 plateau for 2 to 20 epochs
 * before it finds the gate (on other seeds about one run in four had not found it by epoch 25),
 * and the simple RNN's training is chaotic. The kernels' math is deterministic, so these runs
 * give the same numbers every time: simple RNN 0.23, 0.27, 1.28 (median 0.27); LSTM 0.0024,
 * 0.0012, 0.018 (median 0.0024); GRU 0.0014, 0.0003, 0.0003 (median 0.0003). The reset-before
 * GRU learns it too (0.37, 0.0004, 0.0006: median 0.0006) but is left out to keep
 * the test short; its gradients and equations are checked elsewhere. Hence the bounds: gated
 * medians below 0.03, the simple RNN's above 0.1. With ε ~ N(0, 1) instead the simple RNN
 * reached 0.004 in one run of eight: there it is slower, not unable.
 */
class RecurrentConvergenceTest {
  private static final int STEPS = 20;
  private static final int TRAIN = 512;
  private static final int TEST = 256;
  private static final int EPOCHS = 25;
  private static final double NOISE = 2;
  private static final int[] RUNS = {10, 20, 30};

  /** n sequences (N, 20, 2) and their targets (N, 1). */
  private static Tensor[] firstValue(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor x = Tensor.zeros(n, STEPS, 2);
    Tensor y = Tensor.zeros(n, 1);
    for (int i = 0; i < n; i++) {
      float v = (float) r.nextDouble(-1, 1);
      y.set(v, i, 0);
      x.set(v, i, 0, 0);
      x.set(1f, i, 0, 1);
      for (int t = 1; t < STEPS; t++) {
        x.set((float) (NOISE * r.nextGaussian()), i, t, 0);
      }
    }
    return new Tensor[] {x, y};
  }

  /** The test set's mean squared error after training the cell on the run's seeds. */
  private static double trainedError(RecurrentCell cell, int run) {
    Tensor[] train = firstValue(TRAIN, 1 + run);
    Tensor[] test = firstValue(TEST, 2 + run);
    TinyTrainer net = new TinyTrainer(List.of(cell.create("memory", 32, false, true),
        new Dense.Config(1).create("out")), Shape.of(STEPS, 2), 3 + run);
    Adam adam = new Adam();
    Optimizer clipped = (params, lr) -> {
      GradientClipping.clipByGlobalNorm(params, 1f);
      adam.step(params, lr);
    };
    for (int epoch = 0; epoch < EPOCHS; epoch++) { // an epoch per call, each its own shuffle
      net.fit(train[0], train[1], new MeanSquaredError(), clipped, 0.02f, 1, 32,
          4 + epoch + 1000L * run);
    }
    Tensor predicted = net.predict(test[0]);
    double sum = 0;
    for (int i = 0; i < TEST; i++) {
      double d = predicted.get(i, 0) - test[1].get(i, 0);
      sum += d * d;
    }
    return sum / TEST;
  }

  @Test
  void anLstmAndAGruRememberTheFirstValueOverTwentyStepsAndASimpleRnnDoesNot() {
    Map<RecurrentCell, double[]> errors = new EnumMap<>(RecurrentCell.class);
    for (RecurrentCell cell : List.of(RecurrentCell.RNN, RecurrentCell.LSTM,
        RecurrentCell.GRU_PYTORCH)) {
      double[] e = new double[RUNS.length];
      for (int r = 0; r < RUNS.length; r++) {
        e[r] = trainedError(cell, RUNS[r]);
      }
      errors.put(cell, e);
    }
    StringBuilder report = new StringBuilder();
    errors.forEach((cell, e) -> report.append(String.format(Locale.ROOT,
        "%n  %-11s median %.4f of %s", cell, median(e), Arrays.toString(e))));
    System.out.println("[convergence] test MSE after " + EPOCHS + " epochs, three runs each"
        + " (1/3 = nothing learned):" + report);
    for (RecurrentCell gated : List.of(RecurrentCell.LSTM, RecurrentCell.GRU_PYTORCH)) {
      assertTrue(median(errors.get(gated)) < 0.03, gated + " did not learn:" + report);
    }
    assertTrue(median(errors.get(RecurrentCell.RNN)) > 0.1, "the simple RNN did well:" + report);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
