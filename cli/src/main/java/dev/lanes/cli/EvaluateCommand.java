package dev.lanes.cli;

import dev.lanes.dsl.Evaluation;
import dev.lanes.dsl.Model;
import dev.lanes.dsl.data.Dataset;
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

/** {@code lanes evaluate}: a saved model's loss, accuracy and per-class table on test data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate a saved model on the test part of a data set: loss, accuracy, "
        + "precision, recall and F1 per class.",
        "Without --dataset, the data set the model was trained on."})
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "A model written by train --save (safetensors).")
  Path modelFile;

  @Mixin
  DataOptions data = new DataOptions();

  @Mixin
  ThreadsOption threads = new ThreadsOption();

  @Option(names = "--confusion", paramLabel = "FILE.png",
      description = "Write the confusion matrix as a heat map.")
  Path confusion;

  @Option(names = "--report", paramLabel = "FILE.json", description = "Write a JSON report.")
  Path report;

  @Override
  public Integer call() throws Exception {
    SafeFiles.checkWritable(confusion, "--confusion");
    SafeFiles.checkWritable(report, "--report");
    int threadCount = threads.apply(spec);
    PrintWriter out = spec.commandLine().getOut();
    Model model = Model.load(modelFile);
    if (data.dataset == null) {
      DatasetKind trainedOn = ModelInfo.dataset(model);
      data.dataset = trainedOn != null ? trainedOn : DatasetKind.DIGITS;
    }
    LoadedData loaded = DataSets.load(data);
    Dataset test = DataSets.fit(loaded.test(), model.inputShape(), loaded.name() + "'s test set");
    int outputs = model.outputShape().size();
    if (test.numClasses() > outputs) {
      throw new CliException(CliException.FAILURE, modelFile + " has " + outputs
          + " outputs but " + loaded.name() + " has " + test.numClasses() + " classes");
    }
    List<String> names = ModelInfo.classNames(model, outputs);
    long start = System.nanoTime();
    Evaluation result = model.evaluate(test);
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "Evaluating %s (%s, %,d parameters) on %s's test set: %,d"
        + " samples, %d thread%s%n", modelFile, ModelInfo.zooName(model), model.parameterCount(),
        loaded.name(), test.size(), threadCount, threadCount == 1 ? "" : "s");
    out.printf(Locale.ROOT, "accuracy %.4f, loss %.4f (%.2f s, %,.0f samples/s)%n%n",
        result.accuracy(), result.loss(), seconds, test.size() / seconds);
    out.print(table(result, names));
    out.flush();
    List<String> written = new ArrayList<>();
    if (confusion != null) {
      Plots.confusion(result, names, String.format(Locale.ROOT, "%s on %s: accuracy %.4f",
          modelFile.getFileName(), loaded.name(), result.accuracy()), confusion);
      written.add(confusion.toString());
      out.println("confusion matrix written to " + confusion);
    }
    if (report != null) {
      written.add(report.toString());
      new Report("evaluate")
          .put("model_file", modelFile.toString())
          .put("model", ModelInfo.zooName(model))
          .put("dataset", loaded.name())
          .put("threads", threadCount)
          .put("test_samples", test.size())
          .put("test_accuracy", result.accuracy())
          .put("test_loss", result.loss())
          .put("seconds", seconds)
          .classes(result, names)
          .files(written)
          .write(report);
      out.println("report written to " + report);
    }
    return 0;
  }

  /** class, precision, recall, F1 and support, one row per class, with class names. */
  static String table(Evaluation result, List<String> names) {
    int width = Math.max(5, names.stream().mapToInt(String::length).max().orElse(5));
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%-" + width + "s  precision  recall      f1  support%n", "class"));
    int[][] confusion = result.confusion();
    for (int c = 0; c < result.classes(); c++) {
      int support = java.util.Arrays.stream(confusion[c]).sum();
      sb.append(String.format(Locale.ROOT, "%-" + width + "s  %9.4f  %6.4f  %6.4f  %7d%n",
          c < names.size() ? names.get(c) : String.valueOf(c), result.precision(c),
          result.recall(c), result.f1(c), support));
    }
    return sb.toString();
  }
}
