package dev.lanes.dsl;

import dev.lanes.dsl.data.Dataset;
import dev.lanes.layers.loss.Loss;
import dev.lanes.layers.optim.Adam;
import dev.lanes.layers.optim.LearningRateSchedule;
import dev.lanes.layers.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link Model#fit} trains, set fluently:
 *
 * <pre>{@code
 * FitSettings.create().epochs(5).batchSize(64).learningRate(1e-3f).validationFraction(0.1)
 *     .listener(new EarlyStopping("val_loss", 2, true))
 * }</pre>
 *
 * Defaults: 10 epochs, batch 32, Adam at 1e-3, cross-entropy for labelled data and mean squared
 * error for targets, shuffling seed 1, no validation, no clipping.
 */
public final class FitSettings {
  int epochs = 10;
  int batchSize = 32;
  Optimizer optimizer;
  LearningRateSchedule schedule = LearningRateSchedule.constant(1e-3f);
  Loss loss;
  Dataset validation;
  double validationFraction;
  long shuffleSeed = 1;
  float clipNorm;
  final List<TrainingListener> listeners = new ArrayList<>();

  private FitSettings() {}

  public static FitSettings create() {
    return new FitSettings();
  }

  public FitSettings epochs(int epochs) {
    if (epochs < 1) {
      throw new IllegalArgumentException("fit: epochs must be >= 1, got " + epochs);
    }
    this.epochs = epochs;
    return this;
  }

  public FitSettings batchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("fit: batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  public FitSettings optimizer(Optimizer optimizer) {
    this.optimizer = optimizer;
    return this;
  }

  /** A constant learning rate. */
  public FitSettings learningRate(float rate) {
    this.schedule = LearningRateSchedule.constant(rate);
    return this;
  }

  /** A learning-rate schedule, stepped once per batch. */
  public FitSettings schedule(LearningRateSchedule schedule) {
    this.schedule = schedule;
    return this;
  }

  public FitSettings loss(Loss loss) {
    this.loss = loss;
    return this;
  }

  /** Validation data, evaluated after every epoch. */
  public FitSettings validation(Dataset data) {
    this.validation = data;
    return this;
  }

  /** Holds out this fraction of the training data (a seeded split) for validation. */
  public FitSettings validationFraction(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("fit: validation fraction must be in [0, 1), got "
          + fraction);
    }
    this.validationFraction = fraction;
    return this;
  }

  /** The seed of the mini-batch shuffling (and of the validation split). */
  public FitSettings shuffleSeed(long seed) {
    this.shuffleSeed = seed;
    return this;
  }

  /** Clips the gradients to this global norm before each step (0: no clipping). */
  public FitSettings clipNorm(float maxNorm) {
    if (!(maxNorm >= 0)) {
      throw new IllegalArgumentException("fit: clip norm must be >= 0, got " + maxNorm);
    }
    this.clipNorm = maxNorm;
    return this;
  }

  public FitSettings listener(TrainingListener listener) {
    listeners.add(listener);
    return this;
  }

  Optimizer optimizerOrDefault() {
    if (optimizer == null) {
      optimizer = new Adam();
    }
    return optimizer;
  }
}
