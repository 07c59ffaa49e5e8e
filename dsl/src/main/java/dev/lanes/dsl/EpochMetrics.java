package dev.lanes.dsl;

/**
 * What one epoch of training measured. Validation values are NaN when there was no validation
 * data; accuracies are NaN for regression (targets instead of class labels).
 *
 * @param samplesPerSecond training samples per second of the epoch's training loop (forward,
 *     loss, backward and update; validation excluded)
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy,
    double validationLoss, double validationAccuracy, float learningRate, double seconds,
    double samplesPerSecond) {

  /** The value of a monitored quantity: loss, accuracy, val_loss or val_accuracy. */
  public double get(String monitor) {
    return switch (monitor) {
      case "loss" -> trainLoss;
      case "accuracy" -> trainAccuracy;
      case "val_loss" -> validationLoss;
      case "val_accuracy" -> validationAccuracy;
      default -> throw new IllegalArgumentException("unknown quantity '" + monitor
          + "': expected loss, accuracy, val_loss or val_accuracy");
    };
  }
}
