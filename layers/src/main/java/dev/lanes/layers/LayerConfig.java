package dev.lanes.layers;

/**
 * The immutable configuration of a layer: its sizes and settings, validated when constructed,
 * never its weights. Each layer class nests its own record; {@link #create} makes a fresh,
 * unbuilt layer from it.
 */
public sealed interface LayerConfig permits Dense.Config, Conv2d.Config, MaxPool2d.Config,
    AvgPool2d.Config, GlobalAvgPool2d.Config, Flatten.Config, Relu.Config, LeakyRelu.Config,
    Sigmoid.Config, Tanh.Config, Gelu.Config, Softmax.Config, Dropout.Config, BatchNorm.Config,
    Maxout.Config, Residual.Config, SimpleRnn.Config, Lstm.Config, Gru.Config {

  /** A new layer with this configuration and the given name, not yet built. */
  Layer create(String name);
}
