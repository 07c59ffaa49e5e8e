package dev.lanes.dsl;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.dsl.io.ModelFormatException;
import dev.lanes.dsl.io.Safetensors;
import dev.lanes.dsl.io.SafetensorsReader;
import dev.lanes.dsl.io.SafetensorsWriter;
import dev.lanes.layers.AvgPool2d;
import dev.lanes.layers.BatchNorm;
import dev.lanes.layers.Conv2d;
import dev.lanes.layers.Dense;
import dev.lanes.layers.Dropout;
import dev.lanes.layers.Flatten;
import dev.lanes.layers.Gelu;
import dev.lanes.layers.GlobalAvgPool2d;
import dev.lanes.layers.Gru;
import dev.lanes.layers.LayerConfig;
import dev.lanes.layers.LeakyRelu;
import dev.lanes.layers.Lstm;
import dev.lanes.layers.MaxPool2d;
import dev.lanes.layers.Maxout;
import dev.lanes.layers.Param;
import dev.lanes.layers.Relu;
import dev.lanes.layers.Residual;
import dev.lanes.layers.Sigmoid;
import dev.lanes.layers.SimpleRnn;
import dev.lanes.layers.Softmax;
import dev.lanes.layers.Tanh;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;

/**
 * A model as one safetensors file: every parameter and buffer as an F32 tensor under its
 * PyTorch-style name ({@code 0.weight}, {@code 2.running_mean}, {@code 5.body.0.bias}), and
 * the architecture in the {@code __metadata__} map: {@code lanes.format} ("1"),
 * {@code lanes.input} (the sample shape as a JSON array) and {@code lanes.layers} (a JSON array
 * of {@code {"name": ..., "config": {"type": ..., ...}}}). Recurrent layers' weights are named
 * as in PyTorch's one-layer {@code nn.LSTM}/{@code nn.GRU}/{@code nn.RNN}:
 * {@code <i>.weight_ih_l0}, {@code <i>.weight_hh_l0}, {@code <i>.bias_ih_l0}, {@code <i>.bias_hh_l0}.
 * The model's own annotations ({@link Model#metadata()}) are stored as {@code user.<key>}.
 */
final class ModelFile {
  static final String FORMAT = "1";
  /** A thousand-layer model's architecture takes well under this; its JSON tree stays small. */
  static final int MAX_ARCHITECTURE_CHARS = 1_000_000;
  /** The metadata keys of {@link Model#metadata()}'s entries start with this. */
  static final String USER_PREFIX = "user.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFile() {}

  static void write(Model model, Path file) throws IOException {
    write(model, null, file);
  }

  /** With the optimizer's state for resuming training when {@code optimizer} is not null. */
  static void write(Model model, dev.lanes.layers.optim.Optimizer optimizer, Path file)
      throws IOException {
    ArrayNode layers = JSON.createArrayNode();
    for (int i = 0; i < model.configs().size(); i++) {
      ObjectNode entry = layers.addObject();
      entry.put("name", model.names().get(i));
      entry.set("config", toJson(model.configs().get(i)));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("lanes.format", FORMAT);
    metadata.put("lanes.input", JSON.valueToTree(model.inputShape().dims()).toString());
    metadata.put("lanes.layers", layers.toString());
    model.metadata().forEach((key, value) -> metadata.put(USER_PREFIX + key, value));
    SequencedMap<String, Tensor> tensors = new LinkedHashMap<>();
    model.state().forEach((name, p) -> tensors.put(name, p.value()));
    if (optimizer != null) {
      OptimizerFile.add(model, optimizer, tensors, metadata);
    }
    SafetensorsWriter.write(file, tensors, metadata);
  }

  static Model read(Path file) throws IOException {
    Safetensors st = SafetensorsReader.read(file);
    String where = file.toString();
    Map<String, String> meta = st.metadata();
    if (!FORMAT.equals(meta.get("lanes.format"))) {
      throw new ModelFormatException(where, "not a Lanes model (metadata lanes.format is "
          + (meta.containsKey("lanes.format") ? "'" + meta.get("lanes.format") + "'" : "missing")
          + ", expected '" + FORMAT + "')");
    }
    if (require(meta, "lanes.layers", where).length() > MAX_ARCHITECTURE_CHARS) {
      throw new ModelFormatException(where, "the architecture metadata has "
          + meta.get("lanes.layers").length() + " characters, more than the "
          + MAX_ARCHITECTURE_CHARS + " a model needs");
    }
    Shape input;
    List<LayerConfig> configs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try {
      JsonNode dims = JSON.readTree(require(meta, "lanes.input", where));
      if (!dims.isArray() || dims.isEmpty()) {
        throw new ModelFormatException(where, "lanes.input must be a JSON array of sizes");
      }
      int[] d = new int[dims.size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = positive(dims.get(i), "lanes.input[" + i + "]", where);
      }
      try {
        input = Shape.of(d);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(where, "lanes.input: " + e.getMessage(), e);
      }
      JsonNode layers = JSON.readTree(require(meta, "lanes.layers", where));
      if (!layers.isArray() || layers.isEmpty()) {
        throw new ModelFormatException(where, "lanes.layers must be a non-empty JSON array");
      }
      for (int i = 0; i < layers.size(); i++) {
        JsonNode entry = layers.get(i);
        String at = "layer " + i;
        names.add(text(entry, "name", at, where));
        configs.add(fromJson(entry.get("config"), at, where));
      }
    } catch (JacksonException e) {
      throw new ModelFormatException(where, "the architecture metadata is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
    Model model;
    // the file's tensors bound the parameters: the 2x leaves room for buffers' twin gradients
    long stored = st.tensors().values().stream().mapToLong(Tensor::size).sum();
    try {
      model = Param.withAllocationLimit(2 * stored + 1024,
          () -> Model.create(input, configs, names, 0));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ModelFormatException(where, "the architecture does not build: "
          + e.getMessage(), e);
    }
    Set<String> expected = new HashSet<>(model.state().keySet());
    for (String name : st.tensors().keySet()) {
      if (!expected.contains(name) && !name.startsWith(OptimizerFile.PREFIX)) {
        throw new ModelFormatException(where, "tensor '" + name + "' belongs to no layer of"
            + " the architecture");
      }
    }
    for (Map.Entry<String, Param> e : model.state().entrySet()) {
      Tensor t = st.tensors().get(e.getKey());
      Param p = e.getValue();
      if (t == null) {
        throw new ModelFormatException(where, "tensor '" + e.getKey() + "' "
            + p.shape() + " is missing");
      }
      if (!t.shape().equals(p.shape())) {
        throw new ModelFormatException(where, "tensor '" + e.getKey() + "' is " + t.shape()
            + " but the architecture needs " + p.shape());
      }
      System.arraycopy(t.data(), t.offset(), p.value().data(), p.value().offset(), p.size());
    }
    meta.forEach((key, value) -> {
      if (key.startsWith(USER_PREFIX)) {
        model.metadata().put(key.substring(USER_PREFIX.length()), value);
      }
    });
    return model;
  }

  static ObjectNode toJson(LayerConfig config) {
    ObjectNode n = JSON.createObjectNode();
    switch (config) {
      case Dense.Config c -> n.put("type", "dense").put("units", c.units()).put("bias", c.useBias());
      case Conv2d.Config c -> n.put("type", "conv2d").put("filters", c.filters())
          .put("kernelH", c.kernelH()).put("kernelW", c.kernelW()).put("stride", c.stride())
          .put("padding", c.padding()).put("dilation", c.dilation()).put("bias", c.useBias());
      case MaxPool2d.Config c -> n.put("type", "maxPool2d").put("kernel", c.kernel())
          .put("stride", c.stride()).put("padding", c.padding());
      case AvgPool2d.Config c -> n.put("type", "avgPool2d").put("kernel", c.kernel())
          .put("stride", c.stride()).put("padding", c.padding())
          .put("countPadding", c.countPadding());
      case GlobalAvgPool2d.Config c -> n.put("type", "globalAvgPool2d");
      case Flatten.Config c -> n.put("type", "flatten");
      case Relu.Config c -> n.put("type", "relu");
      case LeakyRelu.Config c -> n.put("type", "leakyRelu").put("alpha", c.alpha());
      case Sigmoid.Config c -> n.put("type", "sigmoid");
      case Tanh.Config c -> n.put("type", "tanh");
      case Gelu.Config c -> n.put("type", "gelu");
      case Softmax.Config c -> n.put("type", "softmax");
      case Dropout.Config c -> n.put("type", "dropout").put("rate", c.rate());
      case BatchNorm.Config c -> n.put("type", "batchNorm").put("momentum", c.momentum())
          .put("eps", c.eps());
      case Maxout.Config c -> n.put("type", "maxout").put("units", c.units())
          .put("pieces", c.pieces());
      case SimpleRnn.Config c -> n.put("type", "simpleRnn").put("hidden", c.hiddenSize())
          .put("returnSequences", c.returnSequences());
      case Lstm.Config c -> n.put("type", "lstm").put("hidden", c.hiddenSize())
          .put("returnSequences", c.returnSequences()).put("unitForgetBias", c.unitForgetBias());
      case Gru.Config c -> n.put("type", "gru").put("hidden", c.hiddenSize())
          .put("returnSequences", c.returnSequences()).put("variant", c.variant().name());
      case Residual.Config c -> {
        n.put("type", "residual");
        ArrayNode body = n.putArray("layers");
        c.layers().forEach(inner -> body.add(toJson(inner)));
      }
    }
    return n;
  }

  static LayerConfig fromJson(JsonNode n, String at, String where) throws ModelFormatException {
    if (n == null || !n.isObject()) {
      throw new ModelFormatException(where, at + " has no config object");
    }
    String type = text(n, "type", at, where);
    String here = at + " (" + type + ")";
    try {
      return switch (type) {
        case "dense" -> new Dense.Config(integer(n, "units", here, where), bool(n, "bias", here, where));
        case "conv2d" -> new Conv2d.Config(integer(n, "filters", here, where),
            integer(n, "kernelH", here, where), integer(n, "kernelW", here, where),
            integer(n, "stride", here, where), integer(n, "padding", here, where),
            integer(n, "dilation", here, where), bool(n, "bias", here, where));
        case "maxPool2d" -> new MaxPool2d.Config(integer(n, "kernel", here, where),
            integer(n, "stride", here, where), integer(n, "padding", here, where));
        case "avgPool2d" -> new AvgPool2d.Config(integer(n, "kernel", here, where),
            integer(n, "stride", here, where), integer(n, "padding", here, where),
            bool(n, "countPadding", here, where));
        case "globalAvgPool2d" -> new GlobalAvgPool2d.Config();
        case "flatten" -> new Flatten.Config();
        case "relu" -> new Relu.Config();
        case "leakyRelu" -> new LeakyRelu.Config(number(n, "alpha", here, where));
        case "sigmoid" -> new Sigmoid.Config();
        case "tanh" -> new Tanh.Config();
        case "gelu" -> new Gelu.Config();
        case "softmax" -> new Softmax.Config();
        case "dropout" -> new Dropout.Config(number(n, "rate", here, where));
        case "batchNorm" -> new BatchNorm.Config(number(n, "momentum", here, where),
            number(n, "eps", here, where));
        case "maxout" -> new Maxout.Config(integer(n, "units", here, where),
            integer(n, "pieces", here, where));
        case "simpleRnn" -> new SimpleRnn.Config(integer(n, "hidden", here, where),
            bool(n, "returnSequences", here, where));
        case "lstm" -> new Lstm.Config(integer(n, "hidden", here, where),
            bool(n, "returnSequences", here, where), bool(n, "unitForgetBias", here, where));
        case "gru" -> new Gru.Config(integer(n, "hidden", here, where),
            bool(n, "returnSequences", here, where),
            Gru.Variant.valueOf(text(n, "variant", here, where)));
        case "residual" -> {
          JsonNode body = n.get("layers");
          if (body == null || !body.isArray()) {
            throw new ModelFormatException(where, here + " has no 'layers' array");
          }
          List<LayerConfig> inner = new ArrayList<>();
          for (int i = 0; i < body.size(); i++) {
            inner.add(fromJson(body.get(i), here + " layer " + i, where));
          }
          yield new Residual.Config(inner);
        }
        default -> throw new ModelFormatException(where, at + " has an unknown type '"
            + type + "'");
      };
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(where, here + ": " + e.getMessage(), e);
    }
  }

  private static String require(Map<String, String> meta, String key, String where)
      throws ModelFormatException {
    String v = meta.get(key);
    if (v == null) {
      throw new ModelFormatException(where, "the metadata has no '" + key + "'");
    }
    return v;
  }

  static String text(JsonNode n, String field, String at, String where)
      throws ModelFormatException {
    JsonNode v = n == null ? null : n.get(field);
    if (v == null || !v.isTextual()) {
      throw new ModelFormatException(where, at + " needs a text field '" + field + "'");
    }
    return v.asText();
  }

  static int integer(JsonNode n, String field, String at, String where)
      throws ModelFormatException {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new ModelFormatException(where, at + " needs a whole number '" + field + "'");
    }
    return v.intValue();
  }

  private static int positive(JsonNode v, String what, String where) throws ModelFormatException {
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw new ModelFormatException(where, what + " must be a whole number >= 1");
    }
    return v.intValue();
  }

  static float number(JsonNode n, String field, String at, String where)
      throws ModelFormatException {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber()) {
      throw new ModelFormatException(where, at + " needs a number '" + field + "'");
    }
    return v.floatValue();
  }

  static boolean bool(JsonNode n, String field, String at, String where)
      throws ModelFormatException {
    JsonNode v = n.get(field);
    if (v == null || !v.isBoolean()) {
      throw new ModelFormatException(where, at + " needs true or false for '" + field
          + "'");
    }
    return v.booleanValue();
  }
}
