package dev.lanes.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.dsl.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code train} writes into a model's metadata so that {@code evaluate} and
 * {@code predict} can use the model alone: the data set, how its inputs were scaled, the class
 * names and the zoo model it came from.
 */
final class ModelInfo {
  static final String DATASET = "lanes.cli.dataset";
  static final String INPUT_SCALE = "lanes.cli.input_scale";
  static final String CLASSES = "lanes.cli.classes";
  static final String ZOO_MODEL = "lanes.cli.model";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelInfo() {}

  static void annotate(Model model, LoadedData data, ModelZoo zoo) {
    model.metadata().put(DATASET, data.name());
    model.metadata().put(INPUT_SCALE, Float.toString(data.inputScale()));
    model.metadata().put(ZOO_MODEL, zoo.toString());
    try {
      model.metadata().put(CLASSES, JSON.writeValueAsString(data.classNames()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a list of strings always serializes
    }
  }

  /** The data set the model was trained on, or null when the file does not say. */
  static DatasetKind dataset(Model model) {
    String name = model.metadata().get(DATASET);
    if (name == null) {
      return null;
    }
    try {
      return DatasetKind.parse(name);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** What raw inputs are divided by before the model sees them (1 when the file does not say). */
  static float inputScale(Model model) {
    String text = model.metadata().get(INPUT_SCALE);
    if (text == null) {
      return 1;
    }
    try {
      float scale = Float.parseFloat(text);
      return scale > 0 && Float.isFinite(scale) ? scale : 1;
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** One name per output; numbers where the file has no (or the wrong number of) names. */
  static List<String> classNames(Model model, int outputs) {
    String text = model.metadata().get(CLASSES);
    if (text != null) {
      try {
        JsonNode names = JSON.readTree(text);
        if (names.isArray() && names.size() == outputs) {
          List<String> list = new ArrayList<>();
          names.forEach(n -> list.add(n.asText()));
          return list;
        }
      } catch (JsonProcessingException e) {
        // fall through to numbers: a model is still usable without its class names
      }
    }
    return DataSets.numbers(outputs);
  }

  /** "cnn" or, for a model not from the zoo, "custom". */
  static String zooName(Model model) {
    return model.metadata().getOrDefault(ZOO_MODEL, "custom");
  }
}
