package dev.lanes.cli;

import dev.lanes.dsl.EpochMetrics;
import dev.lanes.dsl.Model;
import dev.lanes.dsl.TrainingListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training as it goes: on a terminal a progress bar per epoch (batches done, ETA, and the
 * running loss, accuracy and samples per second), then one line per epoch with the validation
 * figures; elsewhere (a pipe, a log file, a test) only the line per epoch.
 */
final class ConsoleProgress implements TrainingListener {
  private final PrintWriter out;
  private final PrintStream terminal; // null when the output is not a terminal
  private final int batchSize;
  private int epochs;
  private ProgressBar bar;
  private long epochStart;

  /**
   * @param terminal where to draw the bar, or null for plain lines only
   * @param batchSize the mini-batch size, to turn batches into samples per second
   */
  ConsoleProgress(PrintWriter out, PrintStream terminal, int batchSize) {
    this.out = out;
    this.terminal = terminal;
    this.batchSize = batchSize;
  }

  /** The console's stream when standard output is an interactive terminal, else null. */
  static PrintStream terminalOrNull() {
    java.io.Console console = System.console();
    return console != null && console.isTerminal() ? System.out : null;
  }

  @Override
  public void onTrainBegin(Model model, int epochs, int batchesPerEpoch) {
    this.epochs = epochs;
  }

  @Override
  public void onBatchEnd(int epoch, int batch, int batchesPerEpoch, double meanLoss,
      double meanAccuracy) {
    if (batch == 1) {
      epochStart = System.nanoTime();
      if (terminal != null) {
        out.flush();
        bar = new ProgressBarBuilder()
            .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
            .setInitialMax(batchesPerEpoch)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(200)
            .setConsumer(new ConsoleProgressBarConsumer(terminal))
            .build();
      }
    }
    if (bar != null) {
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      bar.stepTo(batch);
      // short, so that the bar keeps some width on an 80-column terminal
      bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f acc %.3f %,.0f/s",
          meanLoss, meanAccuracy, seconds > 0 ? (double) batch * batchSize / seconds : 0));
    }
  }

  @Override
  public boolean onEpochEnd(Model model, EpochMetrics m) {
    if (bar != null) {
      bar.close();
      bar = null;
    }
    out.println(line(m, epochs));
    out.flush();
    return false;
  }

  /** {@code epoch  3/10  loss 0.2345  acc 0.9312  val_loss 0.2101  val_acc 0.9400  ...}. */
  static String line(EpochMetrics m, int epochs) {
    int width = String.valueOf(epochs).length();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "epoch %" + width + "d/%d  loss %.4f  acc %.4f", m.epoch(), epochs, m.trainLoss(),
        m.trainAccuracy()));
    if (!Double.isNaN(m.validationLoss())) {
      sb.append(String.format(Locale.ROOT, "  val_loss %.4f  val_acc %.4f", m.validationLoss(),
          m.validationAccuracy()));
    }
    sb.append(String.format(Locale.ROOT, "  %,.0f samples/s  %.1f s", m.samplesPerSecond(),
        m.seconds()));
    return sb.toString();
  }
}
