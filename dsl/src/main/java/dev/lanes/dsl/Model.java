package dev.lanes.dsl;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Reductions;
import dev.lanes.dsl.data.Batch;
import dev.lanes.dsl.data.Batches;
import dev.lanes.dsl.data.Dataset;
import dev.lanes.layers.AbstractLayer;
import dev.lanes.layers.Layer;
import dev.lanes.layers.LayerConfig;
import dev.lanes.layers.Param;
import dev.lanes.layers.Residual;
import dev.lanes.layers.Workspace;
import dev.lanes.layers.loss.Loss;
import dev.lanes.layers.loss.MeanSquaredError;
import dev.lanes.layers.loss.SoftmaxCrossEntropy;
import dev.lanes.layers.optim.GradientClipping;
import dev.lanes.layers.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SplittableRandom;

/**
 * A built sequence of layers: train it ({@link #fit}), measure it ({@link #evaluate}), use it
 * ({@link #predict}), print it ({@link #summary}), and keep it ({@link #save}, {@link #load}).
 * Made by {@link Sequential#build}.
 *
 * <p>Threads: {@link #predict} and {@link #predictClasses} may run in many threads at once (they
 * use the layers' allocating inference path) while no thread trains. Training is one thread of
 * control that fans out inside the kernels. Determinism: the same seeds and the same number of
 * threads give bit-identical weights.
 */
public final class Model {
  private final Shape inputShape;
  private final Shape outputShape;
  private final List<LayerConfig> configs;
  private final List<String> names;
  private final List<Layer> layers;
  private TrainingPath trainingPath;                      // the layers as a training step runs them
  private final List<Param> params;                       // trainable, in file order
  private final SequencedMap<String, Param> state;        // params and buffers by file name
  private final Workspace dOutput = new Workspace();       // the loss gradient, (N, out...)
  private int[] predicted = new int[0];                    // argmax of a training batch
  private Loss loss;                                       // the last fit's, for evaluate
  private Tensor lastTrainingOutput;                       // the last training batch's output
  private final Map<String, String> metadata = new LinkedHashMap<>(); // saved with the model

  private Model(Shape inputShape, List<LayerConfig> configs, List<String> names, long seed) {
    this.inputShape = inputShape;
    this.configs = List.copyOf(configs);
    this.names = List.copyOf(names);
    List<Layer> built = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    Shape s = inputShape;
    for (int i = 0; i < configs.size(); i++) {
      Layer layer = configs.get(i).create(names.get(i));
      s = layer.build(s, random.split());
      built.add(layer);
    }
    this.outputShape = s;
    this.layers = Collections.unmodifiableList(built);
    this.state = new LinkedHashMap<>();
    List<Param> trainable = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      name(String.valueOf(i), layers.get(i), trainable);
    }
    this.params = List.copyOf(trainable);
    this.trainingPath = TrainingPath.of(layers, true);
  }

  /**
   * Whether a training step runs the fused steps of {@link TrainingPath} (the default: pooling
   * before relu, a convolution and its pooling image by image; the same bits either way). For
   * tests that compare the two.
   */
  void fuseTrainingSteps(boolean fuse) {
    trainingPath = TrainingPath.of(layers, fuse);
  }

  /**
   * File names in PyTorch's style: {@code <index>.<param>} ({@code 0.weight}, {@code 3.bias},
   * {@code 2.running_mean}, {@code 5.weight_ih_l0}); inside a residual block
   * {@code <index>.body.<j>.<param>} and {@code <index>.projection.<param>}.
   */
  private void name(String prefix, Layer layer, List<Param> trainable) {
    if (layer instanceof Residual r) {
      for (int j = 0; j < r.body().size(); j++) {
        name(prefix + ".body." + j, r.body().get(j), trainable);
      }
      if (r.projection() != null) {
        name(prefix + ".projection", r.projection(), trainable);
      }
      return;
    }
    // PyTorch's nn.LSTM, nn.GRU and nn.RNN suffix their weights with the layer index in the
    // stack: a one-layer module's are weight_ih_l0 and so on
    String suffix = layer instanceof dev.lanes.layers.RecurrentLayer ? "_l0" : "";
    for (Param p : layer.params()) {
      state.put(prefix + "." + p.name() + suffix, p);
      trainable.add(p);
    }
    for (Param b : layer.buffers()) {
      state.put(prefix + "." + b.name(), b);
    }
  }

  static Model create(Shape input, List<LayerConfig> configs, List<String> names, long seed) {
    return new Model(input, configs, names, seed);
  }

  public Shape inputShape() {
    return inputShape;
  }

  public Shape outputShape() {
    return outputShape;
  }

  public List<Layer> layers() {
    return layers;
  }

  List<LayerConfig> configs() {
    return configs;
  }

  List<String> names() {
    return names;
  }

  /** Every parameter and buffer by its file name, in file order. */
  public SequencedMap<String, Param> state() {
    return Collections.unmodifiableSequencedMap(state);
  }

  /** The trainable parameters, in file order. */
  public List<Param> params() {
    return params;
  }

  /** The number of trainable values. */
  /**
   * Free-form annotations that travel with the model in its file (under the safetensors
   * metadata keys {@code user.<key>}): what data it was trained on, how inputs were scaled,
   * class names. Mutable; keys and values must not be null.
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  public long parameterCount() {
    return params.stream().mapToLong(Param::size).sum();
  }

  // ---- training ----

  /**
   * Trains on {@code train} as the settings say and returns the per-epoch metrics.
   *
   * @throws IllegalArgumentException if the data's samples do not have the model's input shape
   */
  public History fit(Dataset train, FitSettings settings) {
    checkSamples("fit", train);
    Dataset trainSet = train;
    Dataset validation = settings.validation;
    if (settings.validationFraction > 0) {
      Dataset.Split split = train.split(1 - settings.validationFraction, settings.shuffleSeed);
      trainSet = split.first();
      validation = split.second();
    }
    if (validation != null) {
      checkSamples("fit (validation)", validation);
    }
    Loss l = settings.loss != null ? settings.loss
        : train.hasLabels() ? new SoftmaxCrossEntropy() : new MeanSquaredError();
    this.loss = l;
    Optimizer optimizer = settings.optimizerOrDefault();
    Batches batches = Batches.shuffled(trainSet, settings.batchSize, settings.shuffleSeed);
    History history = new History();
    for (TrainingListener listener : settings.listeners) {
      listener.onTrainBegin(this, settings.epochs, batches.batchesPerEpoch());
    }
    int step = 0;
    for (int epoch = 1; epoch <= settings.epochs; epoch++) {
      long start = System.nanoTime();
      double lossSum = 0;
      long correct = 0;
      int seen = 0;
      int batchIndex = 0;
      float rate = 0;
      for (Batch batch : batches.epoch(epoch - 1)) {
        rate = settings.schedule.rate(step++);
        float batchLoss = trainStep(batch, l, optimizer, rate, settings.clipNorm);
        lossSum += (double) batchLoss * batch.size();
        seen += batch.size();
        if (train.hasLabels()) {
          correct += correctPredictions(batch);
        }
        batchIndex++;
        for (TrainingListener listener : settings.listeners) {
          listener.onBatchEnd(epoch, batchIndex, batches.batchesPerEpoch(), lossSum / seen,
              train.hasLabels() ? (double) correct / seen : Double.NaN);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Evaluation v = validation == null ? null : evaluate(validation);
      EpochMetrics m = new EpochMetrics(epoch, lossSum / seen,
          train.hasLabels() ? (double) correct / seen : Double.NaN,
          v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(), rate,
          seconds, seen / seconds);
      history.add(m);
      boolean stop = false;
      for (TrainingListener listener : settings.listeners) {
        stop |= listener.onEpochEnd(this, m);
      }
      if (stop) {
        break;
      }
    }
    for (TrainingListener listener : settings.listeners) {
      listener.onTrainEnd(this, history);
    }
    return history;
  }

  /** One step of fit: a training step on the batch, with clipping when asked for. */
  private float trainStep(Batch batch, Loss l, Optimizer optimizer, float rate, float clipNorm) {
    return trainOnBatch(batch.features(), batch.target(), l, optimizer, rate, clipNorm);
  }

  /**
   * One training step on a batch (Keras' train_on_batch): zero the gradients, forward in
   * training mode, loss, backward, clip the gradients to {@code clipNorm} (0: no clipping), and
   * one optimizer step. Returns the batch's mean loss. Once the first batch of a size has sized
   * the buffers, a step allocates nothing.
   *
   * @throws IllegalStateException if the loss is NaN
   */
  public float trainOnBatch(Tensor features, Tensor target, Loss l, Optimizer optimizer,
      float learningRate, float clipNorm) {
    for (int i = 0; i < params.size(); i++) { // indexed: no iterator per step
      params.get(i).zeroGrad();
    }
    Tensor out = trainingPath.forward(features);
    lastTrainingOutput = out;
    float value = l.forward(out, target);
    if (Float.isNaN(value)) {
      throw new IllegalStateException("fit: the loss became NaN (learning rate too high, or NaN"
          + " in the data?)");
    }
    Tensor d = dOutput.get(features.dim(0), outputShape);
    l.backward(d);
    trainingPath.backward(d);
    if (clipNorm > 0) {
      GradientClipping.clipByGlobalNorm(params, clipNorm);
    }
    optimizer.step(params, learningRate);
    return value;
  }

  /** How many rows of the last training output have their largest value at the label. */
  private int correctPredictions(Batch batch) {
    Tensor out = lastTrainingOutput;
    int n = batch.size();
    if (predicted.length < n) {
      predicted = new int[n];
    }
    int classes = outputShape.size();
    Reductions.argmaxRows(predicted, 0, out.data(), out.offset(), n, classes);
    Tensor labels = batch.labels();
    int right = 0;
    for (int i = 0; i < n; i++) {
      if (predicted[i] == (int) labels.data()[labels.offset() + i]) {
        right++;
      }
    }
    return right;
  }

  // ---- inference ----

  /**
   * The outputs for a batch (N, input...), computed on the inference path: dropout off, batch
   * norm on its running statistics. Safe to call from many threads at once.
   */
  public Tensor predict(Tensor x) {
    if (!x.shape().isBatchOf(inputShape)) {
      throw new IllegalArgumentException("predict: expected input "
          + AbstractLayer.withBatchLetter(inputShape) + ", got " + x.shape());
    }
    Tensor out = x;
    for (Layer layer : layers) {
      out = layer.infer(out);
    }
    return out;
  }

  /** The index of the largest output of each sample of a batch. */
  public int[] predictClasses(Tensor x) {
    Tensor out = predict(x);
    int n = out.dim(0);
    int[] classes = new int[n];
    Reductions.argmaxRows(classes, 0, out.data(), out.offset(), n, out.shape().sampleSize());
    return classes;
  }

  /**
   * The mean loss (the last fit's loss, else cross-entropy for labels and mean squared error
   * for targets) and, for labelled data, accuracy and the confusion matrix.
   */
  public Evaluation evaluate(Dataset data) {
    checkSamples("evaluate", data);
    Loss l = loss != null ? loss
        : data.hasLabels() ? new SoftmaxCrossEntropy() : new MeanSquaredError();
    int classes = outputShape.size();
    int[][] confusion = data.hasLabels() ? new int[classes][classes] : null;
    double lossSum = 0;
    long right = 0;
    for (Batch batch : Batches.inOrder(data, 256)) {
      Tensor out = predict(batch.features());
      lossSum += (double) l.forward(out, batch.target()) * batch.size();
      if (confusion != null) {
        int[] guess = new int[batch.size()];
        Reductions.argmaxRows(guess, 0, out.data(), out.offset(), batch.size(), classes);
        for (int i = 0; i < batch.size(); i++) {
          int actual = (int) batch.labels().get(i);
          if (actual >= classes) {
            throw new IllegalArgumentException("evaluate: label " + actual + " of sample "
                + batch.index(i) + " is outside the model's " + classes + " outputs");
          }
          confusion[actual][guess[i]]++;
          right += actual == guess[i] ? 1 : 0;
        }
      }
    }
    double accuracy = confusion == null ? Double.NaN : (double) right / data.size();
    return new Evaluation(lossSum / data.size(), accuracy, confusion);
  }

  private void checkSamples(String what, Dataset data) {
    if (!data.sampleShape().equals(inputShape)) {
      throw new IllegalArgumentException(what + ": the data's samples are "
          + data.sampleShape() + " but the model takes " + inputShape
          + (data.sampleShape().size() == inputShape.size()
              ? "; reshape the features to " + AbstractLayer.withBatchLetter(inputShape) : ""));
    }
  }

  // ---- description and files ----

  /** A table of the layers: name, type, output shape and parameter count, with totals. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    String rule = "-".repeat(72) + "\n";
    sb.append(String.format(Locale.ROOT, "%-28s %-22s %14s%n", "Layer (type)", "Output shape",
        "Params"));
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, "%-28s %-22s %14s%n", "input",
        AbstractLayer.withBatchLetter(inputShape), ""));
    long buffers = 0;
    for (Layer layer : layers) {
      long count = layer.params().stream().mapToLong(Param::size).sum();
      buffers += layer.buffers().stream().mapToLong(Param::size).sum();
      sb.append(String.format(Locale.ROOT, "%-28s %-22s %,14d%n",
          layer.name() + " (" + layer.getClass().getSimpleName() + ")",
          AbstractLayer.withBatchLetter(layer.outputShape()), count));
    }
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", parameterCount()));
    sb.append(String.format(Locale.ROOT, "Buffers (saved, not trained): %,d%n", buffers));
    return sb.toString();
  }

  /** Writes the model (architecture and weights) to one safetensors file, atomically. */
  public void save(Path file) throws IOException {
    ModelFile.write(this, file);
  }

  /**
   * Writes the model and the optimizer's state (Adam's moments and step counts, SGD's momentum,
   * ...) to one file, so that training can resume where it stopped: {@link #load} reads the
   * model, then {@link #loadOptimizer} the optimizer. The state is stored as
   * {@code optimizer.<param>.<name>} tensors ({@code optimizer.0.weight.exp_avg}).
   *
   * @throws IllegalArgumentException for an optimizer other than Adam, AdamW, Sgd or RmsProp
   */
  public void save(Path file, Optimizer optimizer) throws IOException {
    ModelFile.write(this, java.util.Objects.requireNonNull(optimizer, "optimizer"), file);
  }

  /**
   * The optimizer saved with this model by {@link #save(Path, Optimizer)}, with its settings
   * and its state attached to this model's parameters: pass it to the next {@code fit} (or
   * {@code trainOnBatch}) to continue exactly where the saved training stopped.
   *
   * @throws dev.lanes.dsl.io.ModelFormatException if the file has no optimizer state or its
   *     state does not fit this model's parameters
   */
  public Optimizer loadOptimizer(Path file) throws IOException {
    return OptimizerFile.read(this, file);
  }

  /**
   * Reads a model written by {@link #save}.
   *
   * @throws dev.lanes.dsl.io.ModelFormatException for a damaged, hostile or foreign file
   */
  public static Model load(Path file) throws IOException {
    return ModelFile.read(file);
  }

  // ---- weights snapshots, for early stopping ----

  /** A copy of every parameter and buffer value. */
  float[][] snapshot() {
    return state.values().stream().map(p -> p.value().toArray()).toArray(float[][]::new);
  }

  /** Puts back values taken by {@link #snapshot}. */
  void restore(float[][] values) {
    int i = 0;
    for (Param p : state.values()) {
      System.arraycopy(values[i++], 0, p.value().data(), p.value().offset(), p.size());
    }
  }
}
