package dev.lanes.cli;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Softmax;
import dev.lanes.dsl.Model;
import dev.lanes.dsl.data.CsvReader;
import dev.lanes.dsl.data.Dataset;
import dev.lanes.dsl.data.IdxReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lanes predict}: classes and top probabilities for images, IDX files or CSV rows. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Classify inputs with a saved model and print the top classes with their "
        + "probabilities.",
        "INPUT: a picture (PNG, JPEG, GIF, BMP: gray-scaled, scaled to the model's size, "
            + "inverted when light), an IDX image file (train-images-idx3-ubyte[.gz]; labels "
            + "are shown when the labels file is beside it) or a CSV file with a label column "
            + "(as for training)."})
final class PredictCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "A model written by train --save (safetensors).")
  Path modelFile;

  @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Files to classify.")
  List<Path> inputs;

  @Option(names = "--top", defaultValue = "3", paramLabel = "K",
      description = "How many classes to print per input. Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(names = "--limit", defaultValue = "10", paramLabel = "N",
      description = "The first N samples of each IDX or CSV file. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(names = "--label-column", defaultValue = "-1", paramLabel = "N",
      description = "CSV inputs: the label's column (negative counts from the end). "
          + "Default: ${DEFAULT-VALUE}.")
  int labelColumn;

  @Mixin
  ThreadsOption threads = new ThreadsOption();

  @Override
  public Integer call() throws Exception {
    Usage.check(spec, top >= 1, "--top must be at least 1, got " + top);
    Usage.check(spec, limit >= 1, "--limit must be at least 1, got " + limit);
    threads.apply(spec);
    PrintWriter out = spec.commandLine().getOut();
    Model model = Model.load(modelFile);
    int outputs = model.outputShape().size();
    List<String> names = ModelInfo.classNames(model, outputs);
    float scale = ModelInfo.inputScale(model);
    for (Path input : inputs) {
      String file = input.getFileName().toString().toLowerCase(Locale.ROOT);
      if (file.matches(".*\\.(png|jpe?g|gif|bmp)")) {
        int[] chw = imageShape(model.inputShape());
        float[] pixels = ImageInput.read(input, chw[0], chw[1], chw[2]);
        Tensor x = new Tensor(pixels, 0, model.inputShape().prepend(1));
        print(out, input.toString(), model, x, names, null);
      } else if (file.contains("idx")) {
        Tensor images = IdxReader.readImages(input, false);
        int n = Math.min(limit, images.dim(0));
        Tensor x = scaled(images.slice(0, n), scale, model.inputShape(), input);
        print(out, input.toString(), model, x, names, labelsBeside(input, outputs));
      } else {
        Dataset rows = CsvReader.labelColumn(labelColumn).read(input);
        int n = Math.min(limit, rows.size());
        Tensor x = scaled(rows.features().slice(0, n), scale, model.inputShape(), input);
        print(out, input.toString(), model, x, names, rows.labels());
      }
    }
    out.flush();
    return 0;
  }

  /**
   * The labels file that goes with an IDX images file ({@code t10k-labels-idx1-ubyte.gz} beside
   * {@code t10k-images-idx3-ubyte.gz}), or null when there is none.
   */
  private static int[] labelsBeside(Path images, int classes) throws java.io.IOException {
    String name = images.getFileName().toString();
    if (!name.contains("images-idx3")) {
      return null;
    }
    Path labels = images.resolveSibling(name.replace("images-idx3", "labels-idx1"));
    return java.nio.file.Files.isRegularFile(labels) ? IdxReader.readLabels(labels, classes)
        : null;
  }

  /** (C, H, W) of the pictures the model takes: its own shape, or (1, T, F) for sequences. */
  private int[] imageShape(Shape input) {
    return switch (input.rank()) {
      case 3 -> input.dims();
      case 2 -> new int[] {1, input.dim(0), input.dim(1)};
      default -> throw new CliException(CliException.FAILURE, modelFile + " takes vectors "
          + input + ", not images; give it CSV rows");
    };
  }

  /** A copy of the samples divided by the model's input scale, reshaped to its input. */
  private Tensor scaled(Tensor samples, float scale, Shape input, Path file) {
    int n = samples.dim(0);
    int size = samples.size() / Math.max(1, n);
    if (size != input.size()) {
      throw new CliException(CliException.FAILURE, file + ": its samples have " + size
          + " values but " + modelFile + " takes " + input + " (" + input.size() + " values)");
    }
    float[] values = samples.toArray();
    for (int i = 0; i < values.length; i++) {
      values[i] /= scale;
    }
    return new Tensor(values, 0, input.prepend(n));
  }

  private void print(PrintWriter out, String source, Model model, Tensor x, List<String> names,
      int[] labels) {
    Tensor y = model.predict(x);
    int n = x.dim(0);
    int k = y.size() / n;
    float[] p = y.toArray();
    if (!(model.layers().getLast() instanceof dev.lanes.layers.Softmax)) {
      float[] logits = p; // the zoo's models end in logits
      p = new float[logits.length];
      Softmax.softmaxRows(p, 0, logits, 0, n, k);
    }
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder(n == 1 ? source : source + "#" + i).append(": ");
      boolean[] taken = new boolean[k];
      for (int t = 0; t < Math.min(top, k); t++) {
        int best = -1;
        for (int c = 0; c < k; c++) {
          if (!taken[c] && (best < 0 || p[i * k + c] > p[i * k + best])) {
            best = c;
          }
        }
        taken[best] = true;
        sb.append(t == 0 ? "" : "  ").append(String.format(Locale.ROOT, "%s %.3f",
            names.get(best), p[i * k + best]));
      }
      if (labels != null) {
        sb.append("  (label ").append(labels[i] < names.size() ? names.get(labels[i])
            : String.valueOf(labels[i])).append(')');
      }
      out.println(sb);
    }
  }
}
