package dev.lanes.dsl;

/**
 * Called by {@link Model#fit} as training goes: progress bars, early stopping, checkpoints. All
 * methods default to doing nothing.
 */
public interface TrainingListener {
  /** Before the first epoch. */
  default void onTrainBegin(Model model, int epochs, int batchesPerEpoch) {}

  /** After each batch, with the running mean loss and accuracy of the epoch so far. */
  default void onBatchEnd(int epoch, int batch, int batchesPerEpoch, double meanLoss,
      double meanAccuracy) {}

  /** After each epoch; return true to stop training. */
  default boolean onEpochEnd(Model model, EpochMetrics metrics) {
    return false;
  }

  /** After the last epoch (also after an early stop). */
  default void onTrainEnd(Model model, History history) {}
}
