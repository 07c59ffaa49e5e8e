package dev.lanes.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Tensor;
import dev.lanes.dsl.data.Dataset;
import dev.lanes.dsl.io.ModelFormatException;
import dev.lanes.dsl.io.SafetensorsReader;
import dev.lanes.dsl.io.SafetensorsWriter;
import dev.lanes.layers.Param;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
  @TempDir
  Path dir;

  /** A model with every layer type of the layers module. */
  private static Model everyLayer(long seed) {
    return Sequential.input(1, 8, 8)
        .conv2d(4, 3).padding(1).named("conv").batchNorm().leakyRelu(0.1f)
        .maxPool2d(2)
        .residual(r -> r.conv2d(6, 3).stride(2).padding(1).gelu())
        .avgPool2d(2).countPadding(false)
        .conv2d(4, 1).noBias().tanh()
        .globalAvgPool2d()
        .dense(12).sigmoid().dropout(0.3f)
        .maxout(6, 2).batchNorm()
        .dense(4)
        .softmax()
        .build(seed);
  }

  /** Every parameter and buffer, in file order. */
  static float[] weights(Model m) {
    List<Float> all = new ArrayList<>();
    for (Param p : m.state().values()) {
      for (float v : p.value().toArray()) {
        all.add(v);
      }
    }
    float[] a = new float[all.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = all.get(i);
    }
    return a;
  }

  @Test
  void saveThenLoadGivesBitIdenticalPredictionsForEveryLayerType() throws Exception {
    Model model = everyLayer(3);
    Dataset data = Bars.of(64, 5);
    model.fit(data, FitSettings.create().epochs(1).batchSize(16)); // running statistics move
    Path file = dir.resolve("every.safetensors");
    model.save(file);
    Model loaded = Model.load(file);
    assertArrayEquals(model.predict(data.features()).toArray(),
        loaded.predict(data.features()).toArray());
    assertEquals(model.summary(), loaded.summary());
    // PyTorch-style names, running statistics included
    Map<String, Tensor> tensors = SafetensorsReader.read(file).tensors();
    assertTrue(tensors.containsKey("0.weight"));
    assertTrue(tensors.containsKey("1.running_var"));
    assertTrue(tensors.containsKey("4.body.0.weight"));
    assertTrue(tensors.containsKey("4.projection.bias"));
  }

  @Test
  void savedOptimizerStateResumesTrainingBitForBit() throws Exception {
    Dataset data = Bars.of(96, 11);
    Model a = Sequential.input(1, 8, 8).conv2d(4, 3).padding(1).batchNorm().relu()
        .flatten().dense(4).build(5);
    dev.lanes.layers.optim.Optimizer adam = new dev.lanes.layers.optim.Adam();
    a.fit(data, FitSettings.create().epochs(2).batchSize(32).optimizer(adam));
    Path file = dir.resolve("resume.safetensors");
    a.save(file, adam);
    Model b = Model.load(file);
    dev.lanes.layers.optim.Optimizer resumed = b.loadOptimizer(file);
    dev.lanes.layers.loss.Loss loss = new dev.lanes.layers.loss.SoftmaxCrossEntropy();
    for (dev.lanes.dsl.data.Batch batch : dev.lanes.dsl.data.Batches.inOrder(data, 32)) {
      a.trainOnBatch(batch.features(), batch.target(), loss, adam, 1e-3f, 0);
      b.trainOnBatch(batch.features(), batch.target(), loss, resumed, 1e-3f, 0);
    }
    assertArrayEquals(weights(a), weights(b));
    // without the saved state, Adam would start its moments afresh: different weights
    Model c = Model.load(file);
    for (dev.lanes.dsl.data.Batch batch : dev.lanes.dsl.data.Batches.inOrder(data, 32)) {
      c.trainOnBatch(batch.features(), batch.target(), loss, new dev.lanes.layers.optim.Adam(),
          1e-3f, 0);
    }
    assertTrue(!java.util.Arrays.equals(weights(a), weights(c)));
    Map<String, Tensor> tensors = SafetensorsReader.read(file).tensors();
    assertTrue(tensors.containsKey("optimizer.0.weight.exp_avg_sq"), tensors.keySet()::toString);
  }

  @Test
  void loadingAnOptimizerFromAFileWithoutOneSaysSo() throws Exception {
    Model model = Sequential.input(4).dense(2).build(1);
    Path file = dir.resolve("plain.safetensors");
    model.save(file);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> model.loadOptimizer(file));
    assertTrue(e.getMessage().contains("has no optimizer state"), e.getMessage());
  }

  @Test
  void metadataTravelsWithTheModelUnderUserKeys() throws Exception {
    Model model = Sequential.input(4).dense(2).build(1);
    model.metadata().put("dataset", "digits");
    model.metadata().put("classes", "[\"a\", \"b\"]");
    Path file = dir.resolve("meta.safetensors");
    model.save(file);
    assertEquals("digits", SafetensorsReader.read(file).metadata().get("user.dataset"));
    Model loaded = Model.load(file);
    assertEquals(model.metadata(), loaded.metadata());
  }

  @Test
  void samplesReshapeAsAViewWithTheSameLabels() {
    Dataset images = Dataset.ofLabels(Tensor.zeros(3, 1, 2, 4), new int[] {0, 1, 2}, 3);
    Dataset rows = images.reshapeSamples(2, 4);
    assertEquals(dev.lanes.core.Shape.of(2, 4), rows.sampleShape());
    assertTrue(rows.features().data() == images.features().data());
    assertEquals(2, rows.label(2));
    assertThrows(IllegalArgumentException.class, () -> images.reshapeSamples(3, 3));
  }

  @Test
  void recurrentModelsSaveAndLoadWithPyTorchNames() throws Exception {
    Model model = Sequential.input(5, 3)
        .lstm(4).returnSequences().unitForgetBias()
        .gru(4, dev.lanes.layers.Gru.Variant.CHO).returnSequences()
        .simpleRnn(3)
        .dense(2)
        .build(9);
    Tensor x = Tensor.zeros(2, 5, 3);
    for (int i = 0; i < x.size(); i++) {
      x.data()[i] = (float) Math.sin(i);
    }
    Path file = dir.resolve("rnn.safetensors");
    model.save(file);
    Model loaded = Model.load(file);
    assertArrayEquals(model.predict(x).toArray(), loaded.predict(x).toArray());
    Map<String, Tensor> tensors = SafetensorsReader.read(file).tensors();
    assertEquals(dev.lanes.core.Shape.of(16, 3), tensors.get("0.weight_ih_l0").shape());
    assertEquals(dev.lanes.core.Shape.of(12, 4), tensors.get("1.weight_hh_l0").shape());
    assertTrue(tensors.containsKey("2.bias_hh_l0"));
  }

  @Test
  void twoSeededTrainingsGiveIdenticalWeights() {
    float[][] results = new float[2][];
    for (int run = 0; run < 2; run++) {
      Model model = everyLayer(11);
      model.fit(Bars.of(96, 5), FitSettings.create().epochs(2).batchSize(16).shuffleSeed(4));
      results[run] = weights(model);
    }
    assertArrayEquals(results[0], results[1]);
  }

  @Test
  void eightThreadsPredictExactlyTheSequentialResults() throws Exception {
    Model model = everyLayer(7);
    model.fit(Bars.of(64, 5), FitSettings.create().epochs(1).batchSize(16));
    List<Tensor> inputs = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Tensor x = Bars.of(20 + i, 100 + i).features();
      inputs.add(x);
      expected.add(model.predict(x).toArray());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 5; round++) {
        List<Future<float[]>> futures = new ArrayList<>();
        for (Tensor x : inputs) {
          futures.add(pool.submit(() -> model.predict(x).toArray()));
        }
        for (int i = 0; i < 8; i++) {
          assertArrayEquals(expected.get(i), futures.get(i).get(), "thread " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Samples with random labels: a big enough model memorises them and its validation loss climbs. */
  private static Dataset noise(int n, long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    Tensor x = Tensor.zeros(n, 16);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 16; j++) {
        x.set((float) r.nextDouble(-1, 1), i, j);
      }
      labels[i] = r.nextInt(4);
    }
    return Dataset.ofLabels(x, labels, 4);
  }

  @Test
  void earlyStoppingRestoresTheBestWeights() {
    Model model = Sequential.input(16).dense(64).relu().dense(4).build(1);
    Dataset validation = noise(64, 2);
    float[][] best = new float[1][];
    double[] bestLoss = {Double.POSITIVE_INFINITY};
    EarlyStopping stop = new EarlyStopping("val_loss", 3, true);
    History h = model.fit(noise(64, 1), FitSettings.create().epochs(200).batchSize(8)
        .learningRate(1e-2f).validation(validation)
        .listener(new TrainingListener() {
          @Override
          public boolean onEpochEnd(Model m, EpochMetrics metrics) {
            if (metrics.validationLoss() < bestLoss[0]) {
              bestLoss[0] = metrics.validationLoss();
              best[0] = weights(m);
            }
            return false;
          }
        })
        .listener(stop));
    assertTrue(h.epochs().size() < 200, "stopped early after " + h.epochs().size());
    assertEquals(h.epochs().size() - 3, stop.bestEpoch(), "three epochs of patience");
    assertArrayEquals(best[0], weights(model));
    assertEquals(bestLoss[0], model.evaluate(validation).loss(), 1e-6);
  }

  @Test
  void builderErrorsNameTheLayer() {
    assertEquals("Dense 'dense_1': expected input (N, features), got (N, 1, 8, 8); add flatten()"
        + " before dense()", assertThrows(IllegalArgumentException.class,
            () -> Sequential.input(1, 8, 8).dense(10).build(1)).getMessage());
    assertEquals("MaxPool2d 'maxpool2d_2': pool2d: the 2x2 kernel is larger than the padded"
        + " input 1x1: the output would be empty", assertThrows(IllegalArgumentException.class,
            () -> Sequential.input(1, 4, 4).maxPool2d(4).maxPool2d(2).build(1)).getMessage());
    assertEquals("padding() applies to avgPool2d, conv2d, maxPool2d; the layer before it is"
        + " dense()", assertThrows(IllegalStateException.class,
            () -> Sequential.input(4).dense(3).padding(1)).getMessage());
    assertEquals("layer 'conv2d_1': Conv2d: stride and dilation must be >= 1 and padding >= 0,"
        + " got stride 1, padding -1, dilation 1", assertThrows(IllegalArgumentException.class,
            () -> Sequential.input(1, 8, 8).conv2d(4, 3).padding(-1).build(1)).getMessage());
    assertEquals("build: two layers are named 'a'", assertThrows(IllegalArgumentException.class,
        () -> Sequential.input(4).dense(3).named("a").dense(2).named("a").build(1)).getMessage());
    assertEquals("fit: the data's samples are (1, 8, 8) but the model takes (64); reshape the"
        + " features to (N, 64)", assertThrows(IllegalArgumentException.class,
            () -> Sequential.input(64).dense(4).build(1).fit(Bars.of(8, 1),
                FitSettings.create())).getMessage());
  }

  @Test
  void aFileWithABadArchitectureIsRefusedWithItsReason() throws Exception {
    Model model = Sequential.input(4).dense(3).build(1);
    Path good = dir.resolve("good.safetensors");
    model.save(good);
    Map<String, Tensor> tensors = new LinkedHashMap<>(SafetensorsReader.read(good).tensors());
    Map<String, String> meta = new LinkedHashMap<>(SafetensorsReader.read(good).metadata());

    Path unknown = dir.resolve("unknown.safetensors");
    Map<String, String> m1 = new LinkedHashMap<>(meta);
    m1.put("lanes.layers", "[{\"name\": \"x\", \"config\": {\"type\": \"transformer\"}}]");
    SafetensorsWriter.write(unknown, new LinkedHashMap<>(tensors), m1);
    assertEquals(unknown + ": layer 0 has an unknown type 'transformer'",
        assertThrows(ModelFormatException.class, () -> Model.load(unknown)).getMessage());

    Path notJson = dir.resolve("notjson.safetensors");
    Map<String, String> m2 = new LinkedHashMap<>(meta);
    m2.put("lanes.layers", "[[[[");
    SafetensorsWriter.write(notJson, new LinkedHashMap<>(tensors), m2);
    assertTrue(assertThrows(ModelFormatException.class, () -> Model.load(notJson)).getMessage()
        .startsWith(notJson + ": the architecture metadata is not valid JSON"));

    Path missing = dir.resolve("missing.safetensors");
    Map<String, Tensor> t3 = new LinkedHashMap<>(tensors);
    t3.remove("0.bias");
    SafetensorsWriter.write(missing, new LinkedHashMap<>(t3), meta);
    assertEquals(missing + ": tensor '0.bias' (3) is missing",
        assertThrows(ModelFormatException.class, () -> Model.load(missing)).getMessage());

    Path foreign = dir.resolve("foreign.safetensors");
    SafetensorsWriter.write(foreign, new LinkedHashMap<>(tensors), Map.of());
    assertEquals(foreign + ": not a Lanes model (metadata lanes.format is missing, expected '1')",
        assertThrows(ModelFormatException.class, () -> Model.load(foreign)).getMessage());

    Path truncated = dir.resolve("truncated.safetensors");
    byte[] bytes = Files.readAllBytes(good);
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 5));
    assertThrows(ModelFormatException.class, () -> Model.load(truncated));
  }

  @Test
  void evaluationReportsAccuracyConfusionAndPerClassScores() {
    Model model = Sequential.input(1, 8, 8).flatten().dense(16).relu().dense(4).build(2);
    model.fit(Bars.of(256, 1), FitSettings.create().epochs(5).batchSize(16).learningRate(1e-2f));
    Evaluation e = model.evaluate(Bars.of(200, 9));
    int total = 0;
    int diagonal = 0;
    for (int c = 0; c < 4; c++) {
      for (int p = 0; p < 4; p++) {
        total += e.confusion()[c][p];
      }
      diagonal += e.confusion()[c][c];
    }
    assertEquals(200, total);
    assertEquals((double) diagonal / 200, e.accuracy(), 1e-12);
    assertTrue(e.accuracy() > 0.9, "accuracy " + e.accuracy());
    assertTrue(e.table().startsWith("class  precision  recall     f1  support"));
    assertTrue(e.f1(0) > 0.8);
  }
}
