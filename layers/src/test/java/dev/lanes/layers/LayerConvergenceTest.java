package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.layers.loss.SoftmaxCrossEntropy;
import dev.lanes.layers.optim.Adam;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Small learning problems with fixed seeds: the layers learn what they should, and dropout and
 * batch norm behave differently in training and inference as documented.
 */
class LayerConvergenceTest {
  @Test
  void aTwoLayerPerceptronLearnsXor() {
    Tensor x = Tensor.wrap(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
    Tensor y = Tensor.wrap(new float[] {0, 1, 1, 0}, 4);
    TinyTrainer net = new TinyTrainer(List.of(new Dense.Config(8).create("hidden"),
        new Tanh.Config().create("tanh"), new Dense.Config(2).create("out")), Shape.of(2), 5);
    net.fit(x, y, new SoftmaxCrossEntropy(), new Adam(), 0.05f, 300, 4, 1);
    assertEquals(1.0, net.accuracy(x, y));
  }

  /**
   * 8x8 images of four classes, a bright bar at the top, bottom, left or right, on noise with
   * the bar's position jittered by one pixel.
   */
  private static Tensor[] bars(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor x = Tensor.zeros(n, 1, 8, 8);
    Tensor y = Tensor.zeros(n);
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(4);
      y.set(label, i);
      int at = 1 + r.nextInt(2) + (label % 2 == 0 ? 0 : 4); // rows/columns 1-2 or 5-6
      for (int a = 0; a < 8; a++) {
        for (int b = 0; b < 8; b++) {
          boolean bar = label < 2 ? a == at : b == at;
          x.set((bar ? 1f : 0f) + (float) r.nextDouble(-0.35, 0.35), i, 0, a, b);
        }
      }
    }
    return new Tensor[] {x, y};
  }

  @Test
  void aPerceptronLearnsTheFourBars() {
    Tensor[] train = bars(512, 1);
    Tensor[] test = bars(256, 2);
    TinyTrainer net = new TinyTrainer(List.of(new Flatten.Config().create("flatten"),
        new Dense.Config(32).create("hidden"), new Relu.Config().create("relu"),
        new Dense.Config(4).create("out")), Shape.of(1, 8, 8), 3);
    net.fit(train[0], train[1], new SoftmaxCrossEntropy(), new Adam(), 0.01f, 10, 32, 4);
    double accuracy = net.accuracy(test[0], test[1]);
    assertTrue(accuracy >= 0.95, "test accuracy " + accuracy);
  }

  @Test
  void aSmallCnnLearnsTheFourBars() {
    Tensor[] train = bars(512, 1);
    Tensor[] test = bars(256, 2);
    TinyTrainer net = new TinyTrainer(List.of(
        new Conv2d.Config(4, 3, 3, 1, 1, 1, true).create("conv"),
        new BatchNorm.Config().create("bn"), new Relu.Config().create("relu"),
        new MaxPool2d.Config(2).create("pool"), new Flatten.Config().create("flatten"),
        new Dropout.Config(0.2f).create("dropout"), new Dense.Config(4).create("out")),
        Shape.of(1, 8, 8), 3);
    net.fit(train[0], train[1], new SoftmaxCrossEntropy(), new Adam(), 0.01f, 10, 32, 4);
    double accuracy = net.accuracy(test[0], test[1]);
    assertTrue(accuracy >= 0.95, "test accuracy " + accuracy);
  }

  @Test
  void dropoutDropsAndRescalesInTrainingAndIsTheIdentityInInference() {
    Dropout dropout = new Dropout.Config(0.25f).create("dropout");
    dropout.build(Shape.of(1000), new SplittableRandom(1));
    Tensor x = Tensor.zeros(4, 1000);
    java.util.Arrays.fill(x.data(), 2f);
    assertArrayEquals(x.toArray(), dropout.forward(x, false).toArray());
    assertArrayEquals(x.toArray(), dropout.infer(x).toArray());
    Tensor y = dropout.forward(x, true);
    int zeros = 0;
    for (float v : y.toArray()) {
      assertTrue(v == 0f || v == 2f / 0.75f, "kept values are scaled by 1/(1 - p): " + v);
      zeros += v == 0f ? 1 : 0;
    }
    // 4000 draws at p = 0.25: 1000 ± 27 (one standard deviation)
    assertTrue(zeros > 880 && zeros < 1120, "dropped " + zeros + " of 4000");
    float[] first = y.toArray();
    assertNotEquals(java.util.Arrays.toString(first),
        java.util.Arrays.toString(dropout.forward(x, true).toArray()), "a new mask per step");
  }

  @Test
  void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInInference() {
    BatchNorm bn = new BatchNorm.Config(0.1f, 1e-5f).create("bn");
    bn.build(Shape.of(2), new SplittableRandom(1));
    SplittableRandom r = new SplittableRandom(3);
    Tensor x = Tensor.zeros(64, 2);
    for (int step = 0; step < 200; step++) {
      for (int i = 0; i < 64; i++) {
        x.set((float) (5 + 2 * r.nextGaussian()), i, 0);   // feature 0: mean 5, sd 2
        x.set((float) (-1 + 0.5 * r.nextGaussian()), i, 1); // feature 1: mean -1, sd 0.5
      }
      Tensor y = bn.forward(x, true);
      double mean = 0;
      double sq = 0;
      for (int i = 0; i < 64; i++) {
        mean += y.get(i, 0);
        sq += y.get(i, 0) * y.get(i, 0);
      }
      assertEquals(0, mean / 64, 1e-4, "training output has the batch's mean removed");
      assertEquals(1, sq / 64, 1e-3, "and unit variance");
    }
    float[] runningMean = bn.buffers().get(0).value().toArray();
    float[] runningVar = bn.buffers().get(1).value().toArray();
    assertEquals(5, runningMean[0], 0.3);
    assertEquals(-1, runningMean[1], 0.1);
    assertEquals(4, runningVar[0], 0.8);
    assertEquals(0.25, runningVar[1], 0.05);
    // inference: (x - running mean) / √(running var + ε), the same for any batch
    Tensor one = Tensor.wrap(new float[] {5f, -1f}, 1, 2);
    Tensor out = bn.infer(one);
    assertEquals((5 - runningMean[0]) / Math.sqrt(runningVar[0] + 1e-5), out.get(0, 0), 1e-5);
    assertEquals((-1 - runningMean[1]) / Math.sqrt(runningVar[1] + 1e-5), out.get(0, 1), 1e-5);
  }
}
