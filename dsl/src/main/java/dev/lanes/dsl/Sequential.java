package dev.lanes.dsl;

import dev.lanes.core.Shape;
import dev.lanes.layers.Dropout;
import dev.lanes.layers.Flatten;
import dev.lanes.layers.Gelu;
import dev.lanes.layers.GlobalAvgPool2d;
import dev.lanes.layers.Gru;
import dev.lanes.layers.LayerConfig;
import dev.lanes.layers.LeakyRelu;
import dev.lanes.layers.Maxout;
import dev.lanes.layers.Relu;
import dev.lanes.layers.Residual;
import dev.lanes.layers.Sigmoid;
import dev.lanes.layers.Softmax;
import dev.lanes.layers.Tanh;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A fluent builder for a sequence of layers, with shape inference:
 *
 * <pre>{@code
 * Model model = Sequential.input(1, 28, 28)
 *     .conv2d(32, 3).padding(1).relu().maxPool2d(2)
 *     .conv2d(64, 3).padding(1).batchNorm().relu().maxPool2d(2)
 *     .residual(r -> r.conv2d(64, 3).padding(1).relu())
 *     .flatten().dense(128).relu().dropout(0.5f)
 *     .dense(10)
 *     .build(42);
 * }</pre>
 *
 * Options ({@link #padding}, {@link #stride}, {@link #dilation}, {@link #noBias},
 * {@link #named}, ...) apply to the layer added just before them; one that does not fit that
 * layer fails at once. {@link #build} infers every shape from the input and fails with a message
 * naming the layer and both shapes when one does not fit.
 */
public final class Sequential {
  private final Shape input;          // null inside a residual branch
  private final List<LayerSpec> specs = new ArrayList<>();

  private Sequential(Shape input) {
    this.input = input;
  }

  /** A model whose samples have the given shape, without the batch: (1, 28, 28), (784), (T, F). */
  public static Sequential input(int... sampleDims) {
    if (sampleDims.length == 0) {
      throw new IllegalArgumentException("input: give the shape of one sample, such as (1, 28, 28)");
    }
    for (int d : sampleDims) {
      if (d < 1) {
        throw new IllegalArgumentException("input: every dimension must be >= 1, got "
            + Shape.format(sampleDims));
      }
    }
    return new Sequential(Shape.of(sampleDims));
  }

  // ---- layers ----

  /** A fully connected layer of {@code units} outputs. Options: {@link #noBias}. */
  public Sequential dense(int units) {
    LayerSpec s = add("dense");
    s.units = units;
    return this;
  }

  /** A 2-D convolution with square kernels. Options: stride, padding, dilation, noBias. */
  public Sequential conv2d(int filters, int kernel) {
    LayerSpec s = add("conv2d");
    s.units = filters;
    s.kernel = kernel;
    return this;
  }

  /** Max pooling; the stride is the kernel unless {@link #stride} says otherwise. */
  public Sequential maxPool2d(int kernel) {
    add("maxPool2d").kernel = kernel;
    return this;
  }

  /** Average pooling; options: stride, padding, {@link #countPadding}. */
  public Sequential avgPool2d(int kernel) {
    add("avgPool2d").kernel = kernel;
    return this;
  }

  public Sequential globalAvgPool2d() {
    return fixed("globalAvgPool2d", new GlobalAvgPool2d.Config());
  }

  public Sequential flatten() {
    return fixed("flatten", new Flatten.Config());
  }

  public Sequential relu() {
    return fixed("relu", new Relu.Config());
  }

  public Sequential leakyRelu(float alpha) {
    return fixed("leakyRelu", new LeakyRelu.Config(alpha));
  }

  public Sequential sigmoid() {
    return fixed("sigmoid", new Sigmoid.Config());
  }

  public Sequential tanh() {
    return fixed("tanh", new Tanh.Config());
  }

  public Sequential gelu() {
    return fixed("gelu", new Gelu.Config());
  }

  /** Probabilities for inference; for training, give logits to the cross-entropy loss instead. */
  public Sequential softmax() {
    return fixed("softmax", new Softmax.Config());
  }

  public Sequential dropout(float rate) {
    return fixed("dropout", new Dropout.Config(rate));
  }

  /** Batch normalisation over features or channels. Options: {@link #momentum}, {@link #eps}. */
  public Sequential batchNorm() {
    add("batchNorm");
    return this;
  }

  public Sequential maxout(int units, int pieces) {
    return fixed("maxout", new Maxout.Config(units, pieces));
  }

  /**
   * A simple recurrent layer, h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), over input
   * (N, T, F); the last step (N, hidden), or every step with {@link #returnSequences}.
   */
  public Sequential simpleRnn(int hidden) {
    add("simpleRnn").units = hidden;
    return this;
  }

  /** An LSTM (PyTorch's gates i, f, g, o). Options: returnSequences, unitForgetBias. */
  public Sequential lstm(int hidden) {
    add("lstm").units = hidden;
    return this;
  }

  /** A GRU in PyTorch's reset-after form. */
  public Sequential gru(int hidden) {
    return gru(hidden, Gru.Variant.PYTORCH);
  }

  /** A GRU in the given form: PYTORCH (reset after) or CHO (reset before, the original paper). */
  public Sequential gru(int hidden, Gru.Variant variant) {
    add("gru").units = hidden;
    last("gru", Set.of("gru")).variant = variant;
    return this;
  }

  /** y = f(x) + x, with f the layers the branch adds (and a 1x1 projection if f changes the shape). */
  public Sequential residual(Consumer<Sequential> branch) {
    Sequential inner = new Sequential(null);
    branch.accept(inner);
    if (inner.specs.isEmpty()) {
      throw new IllegalArgumentException("residual: the branch added no layer");
    }
    List<LayerConfig> configs = inner.specs.stream().map(LayerSpec::config).toList();
    return fixed("residual", new Residual.Config(configs));
  }

  // ---- options of the last layer ----

  public Sequential stride(int stride) {
    last("stride", Set.of("conv2d", "maxPool2d", "avgPool2d")).stride = stride;
    return this;
  }

  public Sequential padding(int padding) {
    last("padding", Set.of("conv2d", "maxPool2d", "avgPool2d")).padding = padding;
    return this;
  }

  public Sequential dilation(int dilation) {
    last("dilation", Set.of("conv2d")).dilation = dilation;
    return this;
  }

  /** No bias vector (for a layer followed by batch norm, which has its own shift). */
  public Sequential noBias() {
    last("noBias", Set.of("conv2d", "dense")).bias = false;
    return this;
  }

  /** Whether average pooling divides by the whole window, padding included (the default). */
  public Sequential countPadding(boolean count) {
    last("countPadding", Set.of("avgPool2d")).countPadding = count;
    return this;
  }

  public Sequential momentum(float momentum) {
    last("momentum", Set.of("batchNorm")).momentum = momentum;
    return this;
  }

  public Sequential eps(float eps) {
    last("eps", Set.of("batchNorm")).eps = eps;
    return this;
  }

  /** A recurrent layer returns its output at every step, (N, T, hidden), not only the last. */
  public Sequential returnSequences() {
    last("returnSequences", Set.of("simpleRnn", "lstm", "gru")).returnSequences = true;
    return this;
  }

  /** The LSTM's forget-gate biases start at 1 (Jozefowicz et al. 2015), not at random. */
  public Sequential unitForgetBias() {
    last("unitForgetBias", Set.of("lstm")).unitForgetBias = true;
    return this;
  }

  /** Names the last layer (used in messages, {@link Model#summary} and model files). */
  public Sequential named(String name) {
    if (name == null || name.isBlank() || name.contains(".")) {
      throw new IllegalArgumentException("named: a layer name must be non-empty and have no '.',"
          + " got '" + name + "'");
    }
    last("named", null).name = name;
    return this;
  }

  /**
   * Creates and builds the layers, inferring every shape, and draws the initial weights (and
   * later dropout masks) from a source seeded with {@code seed}.
   *
   * @throws IllegalArgumentException naming the layer and both shapes when one does not fit
   */
  public Model build(long seed) {
    if (input == null) {
      throw new IllegalStateException("build: a residual branch is built by its model");
    }
    if (specs.isEmpty()) {
      throw new IllegalStateException("build: the model has no layer");
    }
    List<String> names = new ArrayList<>();
    List<LayerConfig> configs = new ArrayList<>();
    java.util.Map<String, Integer> counters = new java.util.HashMap<>();
    for (LayerSpec s : specs) {
      String name = s.name != null ? s.name
          : s.kind.toLowerCase(java.util.Locale.ROOT) + "_" + counters.merge(s.kind, 1, Integer::sum);
      if (names.contains(name)) {
        throw new IllegalArgumentException("build: two layers are named '" + name + "'");
      }
      names.add(name);
      try {
        configs.add(s.config());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("layer '" + name + "': " + e.getMessage(), e);
      }
    }
    return Model.create(input, configs, names, seed);
  }

  private LayerSpec add(String kind) {
    LayerSpec s = new LayerSpec(kind);
    specs.add(s);
    return s;
  }

  private Sequential fixed(String kind, LayerConfig config) {
    add(kind).fixed = () -> config;
    return this;
  }

  private LayerSpec last(String option, Set<String> kinds) {
    if (specs.isEmpty()) {
      throw new IllegalStateException(option + "() applies to the layer before it, but there is"
          + " none yet");
    }
    LayerSpec s = specs.get(specs.size() - 1);
    if (kinds != null && !kinds.contains(s.kind)) {
      throw new IllegalStateException(option + "() applies to " + String.join(", ",
          new java.util.TreeSet<>(kinds)) + "; the layer before it is " + s.kind + "()");
    }
    return s;
  }
}
