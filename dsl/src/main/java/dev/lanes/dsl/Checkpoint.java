package dev.lanes.dsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Saves the model after every epoch, or only when a monitored quantity improves. Saves are
 * atomic ({@link Model#save}), so an interrupted run leaves the last good checkpoint.
 */
public final class Checkpoint implements TrainingListener {
  private final Path file;
  private final String monitor;   // null: every epoch
  private double best;

  /** Saves after every epoch. */
  public static Checkpoint everyEpoch(Path file) {
    return new Checkpoint(file, null);
  }

  /** Saves when {@code monitor} (loss, accuracy, val_loss, val_accuracy) improves. */
  public static Checkpoint onImprovement(Path file, String monitor) {
    new EpochMetrics(0, 0, 0, 0, 0, 0, 0, 0).get(monitor); // validates the name
    return new Checkpoint(file, monitor);
  }

  private Checkpoint(Path file, String monitor) {
    this.file = file;
    this.monitor = monitor;
  }

  @Override
  public void onTrainBegin(Model model, int epochs, int batchesPerEpoch) {
    best = monitor != null && monitor.endsWith("accuracy")
        ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  @Override
  public boolean onEpochEnd(Model model, EpochMetrics metrics) {
    boolean save = monitor == null;
    if (monitor != null) {
      double v = metrics.get(monitor);
      boolean better = monitor.endsWith("accuracy") ? v > best : v < best;
      if (better) {
        best = v;
        save = true;
      }
    }
    if (save) {
      try {
        model.save(file);
      } catch (IOException e) {
        throw new UncheckedIOException("Checkpoint: cannot save " + file, e);
      }
    }
    return false;
  }
}
