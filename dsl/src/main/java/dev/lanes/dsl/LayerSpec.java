package dev.lanes.dsl;

import dev.lanes.layers.AvgPool2d;
import dev.lanes.layers.BatchNorm;
import dev.lanes.layers.Conv2d;
import dev.lanes.layers.Dense;
import dev.lanes.layers.Gru;
import dev.lanes.layers.LayerConfig;
import dev.lanes.layers.Lstm;
import dev.lanes.layers.MaxPool2d;
import dev.lanes.layers.SimpleRnn;
import java.util.function.Supplier;

/**
 * One layer while the builder collects it: its kind, its name and the options that the calls
 * after it may still change ({@code .padding(1)} after {@code .conv2d(32, 3)}). {@link #config}
 * turns it into the layer's immutable config, which validates the values.
 */
final class LayerSpec {
  final String kind;           // the builder method that added it: "conv2d", "dense", ...
  String name;                 // null: numbered by kind at build time
  int units;                   // dense, maxout; filters for conv2d
  int kernel;
  int stride;                  // 0: the layer's default
  int padding;
  int dilation = 1;
  int pieces;
  boolean bias = true;
  boolean countPadding = true;
  float rate;                  // dropout rate, leaky relu slope
  float momentum = 0.1f;
  float eps = 1e-5f;
  boolean returnSequences;     // recurrent layers
  boolean unitForgetBias;      // lstm
  Gru.Variant variant = Gru.Variant.PYTORCH;
  Supplier<LayerConfig> fixed; // kinds without options

  LayerSpec(String kind) {
    this.kind = kind;
  }

  LayerConfig config() {
    return switch (kind) {
      case "dense" -> new Dense.Config(units, bias);
      case "conv2d" -> new Conv2d.Config(units, kernel, kernel, stride == 0 ? 1 : stride,
          padding, dilation, bias);
      case "maxPool2d" -> new MaxPool2d.Config(kernel, stride == 0 ? kernel : stride, padding);
      case "avgPool2d" -> new AvgPool2d.Config(kernel, stride == 0 ? kernel : stride, padding,
          countPadding);
      case "batchNorm" -> new BatchNorm.Config(momentum, eps);
      case "simpleRnn" -> new SimpleRnn.Config(units, returnSequences);
      case "lstm" -> new Lstm.Config(units, returnSequences, unitForgetBias);
      case "gru" -> new Gru.Config(units, returnSequences, variant);
      default -> fixed.get();
    };
  }
}
