package dev.lanes.dsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Rewrites the history as CSV after every epoch, so a long run can be watched or plotted. */
public final class CsvHistory implements TrainingListener {
  private final Path file;
  private final History history = new History();

  public CsvHistory(Path file) {
    this.file = file;
  }

  @Override
  public boolean onEpochEnd(Model model, EpochMetrics metrics) {
    history.add(metrics);
    try {
      history.writeCsv(file);
    } catch (IOException e) {
      throw new UncheckedIOException("CsvHistory: cannot write " + file, e);
    }
    return false;
  }
}
