package dev.lanes.dsl;

/**
 * Stops training when a monitored quantity has not improved for {@code patience} epochs, and
 * optionally puts back the weights of the best epoch (Keras' EarlyStopping). Losses improve by
 * going down, accuracies by going up.
 */
public final class EarlyStopping implements TrainingListener {
  private final String monitor;
  private final int patience;
  private final boolean restoreBest;
  private final boolean higherIsBetter;
  private double best;
  private int bestEpoch;
  private int waited;
  private float[][] bestWeights;

  /**
   * @param monitor loss, accuracy, val_loss or val_accuracy
   * @param patience epochs without improvement before stopping, ≥ 1
   * @param restoreBest whether to end with the best epoch's weights rather than the last's
   */
  public EarlyStopping(String monitor, int patience, boolean restoreBest) {
    new EpochMetrics(0, 0, 0, 0, 0, 0, 0, 0).get(monitor); // validates the name
    if (patience < 1) {
      throw new IllegalArgumentException("EarlyStopping: patience must be >= 1, got " + patience);
    }
    this.monitor = monitor;
    this.patience = patience;
    this.restoreBest = restoreBest;
    this.higherIsBetter = monitor.endsWith("accuracy");
  }

  @Override
  public void onTrainBegin(Model model, int epochs, int batchesPerEpoch) {
    best = higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    bestEpoch = 0;
    waited = 0;
    bestWeights = null;
  }

  @Override
  public boolean onEpochEnd(Model model, EpochMetrics metrics) {
    double value = metrics.get(monitor);
    if (Double.isNaN(value)) {
      throw new IllegalStateException("EarlyStopping: " + monitor + " is not measured (no"
          + " validation data or no class labels?)");
    }
    if (higherIsBetter ? value > best : value < best) {
      best = value;
      bestEpoch = metrics.epoch();
      waited = 0;
      if (restoreBest) {
        bestWeights = model.snapshot();
      }
      return false;
    }
    return ++waited >= patience;
  }

  @Override
  public void onTrainEnd(Model model, History history) {
    if (restoreBest && bestWeights != null) {
      model.restore(bestWeights);
    }
  }

  /** The epoch (from 1) with the best value so far, 0 before the first. */
  public int bestEpoch() {
    return bestEpoch;
  }
}
