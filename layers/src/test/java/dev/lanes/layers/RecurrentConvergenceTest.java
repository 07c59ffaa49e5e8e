package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.layers.loss.MeanSquaredError;
import dev.lanes.layers.optim.Adam;
import dev.lanes.layers.optim.GradientClipping;
import dev.lanes.layers.optim.Optimizer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A task that needs memory: remember the first value of a sequence of 20 steps through 19 steps
 * of noise on the same input, and output it at the end. Step 0 holds (v, 1) with v ~ U(−1, 1),
 * steps 1 to 19 hold (ε, 0) with ε ~ N(0, 1); the target is v (mean squared error; predicting
 * the mean gives the variance of v, 1/3).
 *
 * <p>A gated cell solves it exactly: the flag opens the LSTM's input gate (the GRU's update
 * gate) at step 0 and keeps it shut afterwards, so the noise never enters the memory. A simple
 * RNN adds every input into its state through the same weights; with a continuous value to keep
 * it cannot latch either, so it keeps part of v at best.
 *
 * <p>All cells: H = 32, then a dense layer to one output; Adam at lr 0.02 with gradients clipped
 * to a global norm of 1, as recurrent nets are trained (Pascanu et al. 2013; without clipping the
 * simple RNN's exploding gradients make its result a matter of luck, and the comparison should
 * be about memory); 25 epochs of 512 sequences in batches of 32, one seed. Measured on this
 * data: the gated cells sit on the 1/3 plateau for 6 (LSTM) to 17 (GRU) epochs and then reach a
 * test error of about 0.001 by epoch 22; the simple RNN ended between 0.087 and 0.42 in five runs
 * (its training is chaotic: the last-ulp differences between the JIT's and the interpreter's
 * vector EXP change its path), never below 0.046 at any epoch. Hence the bounds: gated below
 * 0.01, the simple RNN above 0.04.
 */
class RecurrentConvergenceTest {
  private static final int STEPS = 20;
  private static final int TRAIN = 512;
  private static final int TEST = 256;
  private static final int EPOCHS = 25;

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
        x.set((float) r.nextGaussian(), i, t, 0);
      }
    }
    return new Tensor[] {x, y};
  }

  /** The test set's mean squared error after training the cell. */
  private static double trainedError(RecurrentCell cell, Tensor[] train, Tensor[] test) {
    TinyTrainer net = new TinyTrainer(List.of(cell.create("memory", 32, false, true),
        new Dense.Config(1).create("out")), Shape.of(STEPS, 2), 3);
    Adam adam = new Adam();
    Optimizer clipped = (params, lr) -> {
      GradientClipping.clipByGlobalNorm(params, 1f);
      adam.step(params, lr);
    };
    for (int epoch = 0; epoch < EPOCHS; epoch++) { // an epoch per call, each its own shuffle
      net.fit(train[0], train[1], new MeanSquaredError(), clipped, 0.02f, 1, 32, 4 + epoch);
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
  void gatedCellsRememberTheFirstValueOverTwentyStepsAndASimpleRnnDoesNot() {
    Tensor[] train = firstValue(TRAIN, 1);
    Tensor[] test = firstValue(TEST, 2);
    Map<RecurrentCell, Double> error = new EnumMap<>(RecurrentCell.class);
    for (RecurrentCell cell : RecurrentCell.values()) {
      error.put(cell, trainedError(cell, train, test));
    }
    System.out.println("[convergence] test MSE after " + EPOCHS + " epochs (1/3 = none learned): "
        + error);
    for (RecurrentCell gated : List.of(RecurrentCell.LSTM, RecurrentCell.GRU_PYTORCH,
        RecurrentCell.GRU_CHO)) {
      assertTrue(error.get(gated) < 0.01, gated + " did not learn: " + error);
    }
    assertTrue(error.get(RecurrentCell.RNN) > 0.04, "the simple RNN did too well: " + error);
  }
}
