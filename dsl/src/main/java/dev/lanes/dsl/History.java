package dev.lanes.dsl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The per-epoch metrics of one {@link Model#fit} run, in order. */
public final class History {
  private final List<EpochMetrics> epochs = new ArrayList<>();

  void add(EpochMetrics m) {
    epochs.add(m);
  }

  public List<EpochMetrics> epochs() {
    return List.copyOf(epochs);
  }

  public EpochMetrics last() {
    if (epochs.isEmpty()) {
      throw new IllegalStateException("no epoch has run");
    }
    return epochs.get(epochs.size() - 1);
  }

  /** The history as CSV: a header line, then one line per epoch. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder(
        "epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds,samples_per_second\n");
    for (EpochMetrics m : epochs) {
      sb.append(String.format(Locale.ROOT, "%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.3f,%.1f%n", m.epoch(),
          m.trainLoss(), m.trainAccuracy(), m.validationLoss(), m.validationAccuracy(),
          m.learningRate(), m.seconds(), m.samplesPerSecond()));
    }
    return sb.toString();
  }

  /** Writes {@link #toCsv()} to a file. */
  public void writeCsv(Path file) throws IOException {
    Files.writeString(file, toCsv());
  }
}
