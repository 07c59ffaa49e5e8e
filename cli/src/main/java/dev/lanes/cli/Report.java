package dev.lanes.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.dsl.EpochMetrics;
import dev.lanes.dsl.Evaluation;
import dev.lanes.dsl.History;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON that {@code --report FILE.json} writes: flat snake_case fields first, then nested
 * history and per-class tables. NaN (no validation data, say) is written as null, as JSON has no
 * NaN.
 */
final class Report {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectNode root = JSON.createObjectNode();

  Report(String command) {
    root.put("command", command);
  }

  Report put(String key, String value) {
    root.put(key, value);
    return this;
  }

  Report put(String key, long value) {
    root.put(key, value);
    return this;
  }

  Report put(String key, double value) {
    number(root, key, value);
    return this;
  }

  /**
   * Per epoch: epoch, loss, accuracy, val_loss, val_accuracy, learning_rate, seconds,
   * samples_per_second.
   */
  Report history(History history) {
    ArrayNode epochs = root.putArray("history");
    for (EpochMetrics m : history.epochs()) {
      ObjectNode e = epochs.addObject();
      e.put("epoch", m.epoch());
      number(e, "loss", m.trainLoss());
      number(e, "accuracy", m.trainAccuracy());
      number(e, "val_loss", m.validationLoss());
      number(e, "val_accuracy", m.validationAccuracy());
      number(e, "learning_rate", decimal(m.learningRate()));
      number(e, "seconds", m.seconds());
      number(e, "samples_per_second", m.samplesPerSecond());
    }
    return this;
  }

  /** Per class: name, precision, recall, f1, support; and the confusion matrix (rows: true). */
  Report classes(Evaluation evaluation, List<String> names) {
    ArrayNode classes = root.putArray("per_class");
    int[][] confusion = evaluation.confusion();
    for (int c = 0; c < evaluation.classes(); c++) {
      ObjectNode e = classes.addObject();
      e.put("class", c < names.size() ? names.get(c) : String.valueOf(c));
      number(e, "precision", evaluation.precision(c));
      number(e, "recall", evaluation.recall(c));
      number(e, "f1", evaluation.f1(c));
      e.put("support", java.util.Arrays.stream(confusion[c]).sum());
    }
    ArrayNode matrix = root.putArray("confusion");
    for (int[] row : confusion) {
      ArrayNode r = matrix.addArray();
      for (int v : row) {
        r.add(v);
      }
    }
    return this;
  }

  Report files(List<String> written) {
    ArrayNode files = root.putArray("files");
    written.forEach(files::add);
    return this;
  }

  void write(Path file) throws IOException {
    SafeFiles.write(file, JSON.writeValueAsBytes(root));
  }

  /** A float as the decimal it prints as (0.002, not 0.0020000000949949026). */
  static double decimal(float value) {
    return Double.parseDouble(Float.toString(value));
  }

  private static void number(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }
}
