package dev.lanes.dsl;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.core.Tensor;
import dev.lanes.dsl.io.ModelFormatException;
import dev.lanes.dsl.io.Safetensors;
import dev.lanes.dsl.io.SafetensorsReader;
import dev.lanes.layers.Param;
import dev.lanes.layers.optim.Adam;
import dev.lanes.layers.optim.AdamW;
import dev.lanes.layers.optim.Optimizer;
import dev.lanes.layers.optim.ParamState;
import dev.lanes.layers.optim.RmsProp;
import dev.lanes.layers.optim.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The optimizer's state in a model file, for resuming training: each state array as an F32
 * tensor {@code optimizer.<param>.<name>} with the parameter's shape ({@code
 * optimizer.0.weight.exp_avg}), and in the metadata {@code lanes.optimizer}, a JSON object with
 * the optimizer's type, its settings and the step count of each parameter.
 */
final class OptimizerFile {
  static final String PREFIX = "optimizer.";
  static final String METADATA_KEY = "lanes.optimizer";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OptimizerFile() {}

  /**
   * Adds the optimizer's tensors and metadata to what a model file holds.
   *
   * @throws IllegalArgumentException for an optimizer type the file format does not know
   */
  static void add(Model model, Optimizer optimizer, SequencedMap<String, Tensor> tensors,
      Map<String, String> metadata) {
    ObjectNode json = toJson(optimizer);
    ObjectNode steps = json.putObject("steps");
    for (Map.Entry<String, Param> e : model.state().entrySet()) {
      if (!model.params().contains(e.getValue())) {
        continue; // a buffer (running statistics): not trained
      }
      ParamState s = optimizer.state(e.getValue());
      if (s == null) {
        continue;
      }
      steps.put(e.getKey(), s.step());
      for (Map.Entry<String, float[]> b : s.buffers().entrySet()) {
        tensors.put(PREFIX + e.getKey() + "." + b.getKey(),
            new Tensor(b.getValue(), 0, e.getValue().shape()));
      }
    }
    metadata.put(METADATA_KEY, json.toString());
  }

  static ObjectNode toJson(Optimizer optimizer) {
    ObjectNode n = JSON.createObjectNode();
    switch (optimizer) {
      case Adam a -> n.put("type", "adam").put("beta1", a.config().beta1())
          .put("beta2", a.config().beta2()).put("eps", a.config().eps())
          .put("weightDecay", a.config().weightDecay());
      case AdamW a -> n.put("type", "adamw").put("beta1", a.config().beta1())
          .put("beta2", a.config().beta2()).put("eps", a.config().eps())
          .put("weightDecay", a.config().weightDecay());
      case Sgd s -> n.put("type", "sgd").put("momentum", s.config().momentum())
          .put("dampening", s.config().dampening())
          .put("weightDecay", s.config().weightDecay()).put("nesterov", s.config().nesterov());
      case RmsProp r -> n.put("type", "rmsprop").put("alpha", r.config().alpha())
          .put("eps", r.config().eps()).put("weightDecay", r.config().weightDecay())
          .put("momentum", r.config().momentum()).put("centered", r.config().centered());
      default -> throw new IllegalArgumentException("save: the state of a "
          + optimizer.getClass().getSimpleName() + " cannot be saved; Adam, AdamW, Sgd and"
          + " RmsProp can");
    }
    return n;
  }

  /**
   * The optimizer saved in {@code file} with its state attached to {@code model}'s parameters
   * (which must be the model the file describes).
   */
  static Optimizer read(Model model, Path file) throws IOException {
    Safetensors st = SafetensorsReader.read(file);
    String where = file.toString();
    String text = st.metadata().get(METADATA_KEY);
    if (text == null) {
      throw new ModelFormatException(where, "the file has no optimizer state (save it with"
          + " Model.save(file, optimizer))");
    }
    JsonNode json;
    try {
      json = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new ModelFormatException(where, METADATA_KEY + " is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
    if (json == null || !json.isObject()) {
      throw new ModelFormatException(where, METADATA_KEY + " must be a JSON object");
    }
    Optimizer optimizer = fromJson(json, where);
    JsonNode steps = json.get("steps");
    if (steps == null || !steps.isObject()) {
      throw new ModelFormatException(where, METADATA_KEY + " needs a 'steps' object");
    }
    Map<String, Map<String, float[]>> buffers = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : st.tensors().entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      int dot = name.lastIndexOf('.');
      String param = name.substring(PREFIX.length(), Math.max(PREFIX.length(), dot));
      Param p = model.state().get(param);
      if (p == null || dot <= PREFIX.length()) {
        throw new ModelFormatException(where, "tensor '" + name + "' belongs to no parameter"
            + " of the model");
      }
      if (!e.getValue().shape().equals(p.shape())) {
        throw new ModelFormatException(where, "tensor '" + name + "' is " + e.getValue().shape()
            + " but " + param + " is " + p.shape());
      }
      buffers.computeIfAbsent(param, k -> new LinkedHashMap<>())
          .put(name.substring(dot + 1), e.getValue().toArray());
    }
    for (Map.Entry<String, Map<String, float[]>> e : buffers.entrySet()) {
      JsonNode step = steps.get(e.getKey());
      if (step == null || !step.isIntegralNumber() || !step.canConvertToInt()
          || step.intValue() < 0) {
        throw new ModelFormatException(where, METADATA_KEY + ": steps of '" + e.getKey()
            + "' must be a whole number >= 0");
      }
      try {
        optimizer.restoreState(model.state().get(e.getKey()),
            new ParamState(step.intValue(), e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw new ModelFormatException(where, ex.getMessage(), ex);
      }
    }
    return optimizer;
  }

  private static Optimizer fromJson(JsonNode n, String where) throws ModelFormatException {
    String at = METADATA_KEY;
    String type = ModelFile.text(n, "type", at, where);
    try {
      return switch (type) {
        case "adam" -> new Adam(new Adam.Config(ModelFile.number(n, "beta1", at, where),
            ModelFile.number(n, "beta2", at, where), ModelFile.number(n, "eps", at, where),
            ModelFile.number(n, "weightDecay", at, where)));
        case "adamw" -> new AdamW(new AdamW.Config(ModelFile.number(n, "beta1", at, where),
            ModelFile.number(n, "beta2", at, where), ModelFile.number(n, "eps", at, where),
            ModelFile.number(n, "weightDecay", at, where)));
        case "sgd" -> new Sgd(new Sgd.Config(ModelFile.number(n, "momentum", at, where),
            ModelFile.number(n, "dampening", at, where),
            ModelFile.number(n, "weightDecay", at, where),
            ModelFile.bool(n, "nesterov", at, where)));
        case "rmsprop" -> new RmsProp(new RmsProp.Config(ModelFile.number(n, "alpha", at, where),
            ModelFile.number(n, "eps", at, where), ModelFile.number(n, "weightDecay", at, where),
            ModelFile.number(n, "momentum", at, where), ModelFile.bool(n, "centered", at, where)));
        default -> throw new ModelFormatException(where, at + " has an unknown optimizer type '"
            + type + "'");
      };
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(where, at + ": " + e.getMessage(), e);
    }
  }
}
