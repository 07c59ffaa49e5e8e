package dev.lanes.cli;

import dev.lanes.core.Shape;
import dev.lanes.dsl.Model;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lanes summary}: the layer table of a saved model or of a zoo model. */
@Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print a model's layers: name, type, output shape and parameter count.",
        "--model takes a saved file or a zoo name (mlp, cnn, lstm, gru, resnet), which is "
            + "built for --dataset's images."})
final class SummaryCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE|ZOO_NAME",
      description = "A model file, or mlp, cnn, lstm, gru or resnet.")
  String model;

  @Mixin
  DataOptions data = new DataOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelZoo zoo = ModelZoo.find(model);
    Path file = Path.of(model);
    Model built;
    String title;
    if (zoo != null && !Files.exists(file)) {
      SampleShape shape = sampleShape();
      built = zoo.build(shape.shape(), shape.classes(), 1);
      title = zoo + " (" + zoo.description() + ") for " + shape.dataset();
    } else {
      if (!Files.exists(file)) {
        throw new CliException(CliException.FAILURE, model + ": no such file, and not a zoo"
            + " model (" + ModelZoo.names() + ")");
      }
      built = Model.load(file);
      title = file + " (" + ModelInfo.zooName(built) + ", trained on "
          + built.metadata().getOrDefault(ModelInfo.DATASET, "unknown data") + ")";
    }
    out.println(title);
    out.println();
    out.print(built.summary());
    out.flush();
    return 0;
  }

  private record SampleShape(Shape shape, int classes, String dataset) {}

  /** The zoo model's input: known for the image sets, read from the file for csv. */
  private SampleShape sampleShape() throws java.io.IOException {
    DatasetKind kind = data.dataset != null ? data.dataset : DatasetKind.DIGITS;
    return switch (kind) {
      case DIGITS -> new SampleShape(Shape.of(1, 8, 8), 10, "digits");
      case MNIST, FASHION_MNIST -> new SampleShape(Shape.of(1, 28, 28), 10, kind.toString());
      case CSV -> {
        LoadedData loaded = DataSets.load(data);
        yield new SampleShape(loaded.train().sampleShape(), loaded.classNames().size(), "csv");
      }
    };
  }
}
