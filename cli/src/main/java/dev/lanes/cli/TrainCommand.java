package dev.lanes.cli;

import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.dsl.EarlyStopping;
import dev.lanes.dsl.EpochMetrics;
import dev.lanes.dsl.Evaluation;
import dev.lanes.dsl.FitSettings;
import dev.lanes.dsl.History;
import dev.lanes.dsl.Model;
import dev.lanes.dsl.data.Dataset;
import dev.lanes.layers.optim.CosineAnnealing;
import dev.lanes.layers.optim.LearningRateSchedule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lanes train}: trains a model of the zoo on a data set and tests it. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a model of the zoo on a data set, then test it on the held-out part.",
        "Models: mlp, cnn, lstm, gru, resnet (lstm and gru read images row by row)."})
final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data = new DataOptions();

  @Option(names = "--model", defaultValue = "cnn", converter = ModelZoo.Converter.class,
      paramLabel = "NAME",
      description = "mlp, cnn, lstm, gru or resnet. Default: ${DEFAULT-VALUE}.")
  ModelZoo model;

  @Option(names = "--epochs", defaultValue = "10", paramLabel = "N",
      description = "Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--batch", defaultValue = "64", paramLabel = "SIZE",
      description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--optimizer", defaultValue = "adam", converter = OptimizerKind.Converter.class,
      paramLabel = "NAME",
      description = "adam, adamw, sgd (momentum 0.9) or rmsprop. Default: ${DEFAULT-VALUE}.")
  OptimizerKind optimizer;

  @Option(names = "--lr", defaultValue = "0.002", paramLabel = "RATE",
      description = "(Initial) learning rate. Default: ${DEFAULT-VALUE}.")
  float lr;

  @Option(names = "--schedule", defaultValue = "cosine", paramLabel = "cosine|constant",
      description = "cosine: the rate falls along half a cosine to 0 at the last step (few"
          + " epochs end well); constant: stays at --lr. Default: ${DEFAULT-VALUE}.")
  String schedule;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
      description = "Seeds the weights, dropout and shuffling. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Mixin
  ThreadsOption threads = new ThreadsOption();

  @Option(names = "--validation", defaultValue = "0.1", paramLabel = "FRACTION",
      description = "Share of the training data held out for validation each epoch (0: none)."
          + " Default: ${DEFAULT-VALUE}.")
  double validation;

  @Option(names = "--early-stopping", paramLabel = "PATIENCE",
      description = "Stop after this many epochs without a better validation loss (training"
          + " loss without validation) and keep the best weights.")
  Integer patience;

  @Option(names = "--save", paramLabel = "FILE", description = "Write the model (safetensors).")
  Path save;

  @Option(names = "--plot", paramLabel = "FILE.png",
      description = "Write learning curves: loss and accuracy per epoch.")
  Path plot;

  @Option(names = "--report", paramLabel = "FILE.json", description = "Write a JSON report.")
  Path report;

  @Override
  public Integer call() throws Exception {
    checkOptions();
    int threadCount = threads.apply(spec);
    PrintWriter out = spec.commandLine().getOut();
    LoadedData loaded = DataSets.load(data);
    Model net = model.build(loaded.train().sampleShape(), loaded.classNames().size(), seed);
    Dataset train = DataSets.fit(loaded.train(), net.inputShape(), loaded.name());
    Dataset test = DataSets.fit(loaded.test(), net.inputShape(), loaded.name());
    ModelInfo.annotate(net, loaded, model);
    printHeader(out, net, loaded, train, test, threadCount);

    History history = net.fit(train, fitSettings(out, train.size()));
    double trainSeconds = 0;
    double trainedSamples = 0;
    for (EpochMetrics m : history.epochs()) {
      trainSeconds += m.seconds();
      trainedSamples += m.samplesPerSecond() * m.seconds();
    }
    double samplesPerSecond = trainedSamples / trainSeconds;
    Evaluation result = net.evaluate(test);
    out.printf(Locale.ROOT, "test accuracy %.4f, loss %.4f (%,d samples)%n", result.accuracy(),
        result.loss(), test.size());
    out.printf(Locale.ROOT, "trained %d epoch%s in %.1f s, %,.0f samples/s%n",
        history.epochs().size(), history.epochs().size() == 1 ? "" : "s", trainSeconds,
        samplesPerSecond);

    List<String> written = new ArrayList<>();
    if (save != null) {
      SafeFiles.saveModel(net, save);
      written.add(save.toString());
      out.println("model saved to " + save);
    }
    if (plot != null) {
      Plots.learningCurves(history, String.format(Locale.ROOT,
          "%s on %s: test accuracy %.4f", model, loaded.name(), result.accuracy()), plot);
      written.add(plot.toString());
      out.println("learning curves written to " + plot);
    }
    if (report != null) {
      written.add(report.toString());
      int trained = trainedCount(train.size());
      new Report("train")
          .put("dataset", loaded.name())
          .put("model", model.toString())
          .put("epochs", history.epochs().size())
          .put("batch_size", batch)
          .put("threads", threadCount)
          .put("seed", seed)
          .put("optimizer", optimizer.toString())
          .put("learning_rate", Report.decimal(lr))
          .put("schedule", schedule)
          .put("validation_fraction", validation)
          .put("parameters", net.parameterCount())
          .put("kernels", KernelProvider.get().description())
          .put("train_samples", trained)
          .put("validation_samples", train.size() - trained)
          .put("test_samples", test.size())
          .put("test_accuracy", result.accuracy())
          .put("test_loss", result.loss())
          .put("train_seconds", trainSeconds)
          .put("samples_per_second", samplesPerSecond)
          .history(history)
          .classes(result, loaded.classNames())
          .files(written)
          .write(report);
      out.println("report written to " + report);
    }
    return 0;
  }

  private void printHeader(PrintWriter out, Model net, LoadedData loaded, Dataset train,
      Dataset test, int threadCount) {
    out.printf(Locale.ROOT, "Training %s (%s, %,d parameters) on %s: %,d training and %,d test"
        + " samples, %d classes%n", model, model.description(), net.parameterCount(),
        loaded.name(), train.size(), test.size(), loaded.classNames().size());
    out.printf(Locale.ROOT, "%s, batch %d, %s lr %s (%s), %d epochs, seed %d; kernels %s, %d"
        + " thread%s%n", validation > 0 ? String.format(Locale.ROOT, "validation %.0f%%",
            100 * validation) : "no validation", batch, optimizer, lr, schedule, epochs, seed,
        KernelProvider.get().description(), threadCount, threadCount == 1 ? "" : "s");
    out.flush();
  }

  private FitSettings fitSettings(PrintWriter out, int samples) {
    FitSettings settings = FitSettings.create().epochs(epochs).batchSize(batch)
        .optimizer(optimizer.create()).schedule(schedule(samples))
        .shuffleSeed(seed)
        .listener(new ConsoleProgress(out, ConsoleProgress.terminalOrNull(), batch));
    if (validation > 0) {
      settings.validationFraction(validation);
    }
    if (patience != null) {
      settings.listener(new EarlyStopping(validation > 0 ? "val_loss" : "loss", patience, true));
    }
    return settings;
  }

  /** How many samples fit trains on: it holds out the validation fraction, rounded. */
  private int trainedCount(int samples) {
    return validation > 0 ? (int) Math.round((1 - validation) * samples) : samples;
  }

  /** The learning rate per step; cosine spans every step of the run. */
  private LearningRateSchedule schedule(int samples) {
    if (schedule.equals("constant")) {
      return LearningRateSchedule.constant(lr);
    }
    long trained = trainedCount(samples);
    long steps = (long) epochs * ((trained + batch - 1) / batch);
    return new CosineAnnealing(lr, (int) Math.min(Integer.MAX_VALUE, Math.max(1, steps)));
  }

  /** Every bad value is reported before minutes of data loading and training. */
  private void checkOptions() {
    Usage.check(spec, epochs >= 1, "--epochs must be at least 1, got " + epochs);
    Usage.check(spec, batch >= 1, "--batch must be at least 1, got " + batch);
    Usage.check(spec, lr > 0 && Float.isFinite(lr), "--lr must be a positive number, got " + lr);
    Usage.check(spec, schedule.equals("cosine") || schedule.equals("constant"),
        "--schedule must be cosine or constant, got '" + schedule + "'");
    Usage.check(spec, validation >= 0 && validation < 1,
        "--validation must be in [0, 1), got " + validation);
    Usage.check(spec, patience == null || patience >= 1,
        "--early-stopping must be at least 1, got " + patience);
    SafeFiles.checkWritable(save, "--save");
    SafeFiles.checkWritable(plot, "--plot");
    SafeFiles.checkWritable(report, "--report");
  }
}
