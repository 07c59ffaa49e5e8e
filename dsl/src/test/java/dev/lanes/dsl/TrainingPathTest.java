package dev.lanes.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lanes.core.Tensor;
import dev.lanes.dsl.data.Batch;
import dev.lanes.dsl.data.Batches;
import dev.lanes.dsl.data.Dataset;
import dev.lanes.layers.loss.Loss;
import dev.lanes.layers.loss.SoftmaxCrossEntropy;
import dev.lanes.layers.optim.Adam;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A training step's fused steps (pooling before relu where max pooling follows one, a
 * convolution and its pooling image by image): the losses and weights must be the same bits as
 * the layers' one by one, over steps that start from data full of ties, zeros of both signs and
 * windows with no positive value.
 */
class TrainingPathTest {
  @Test
  void fusedStepsTrainBitForBitAsTheLayers() {
    // a pair at the very start (the first step's parameter-only backward), 2x2 windows (the
    // vector kernels, rows of 6 and of 3 windows), overlapping 3x3 windows with padding
    sameBits(() -> Sequential.input(2, 12, 12).relu().maxPool2d(2)
        .conv2d(4, 3).padding(1).relu().maxPool2d(3).stride(2).padding(1)
        .flatten().dense(3));
    // the CNN of the README's example in small: conv, relu, pool; conv, batch norm, relu, pool
    // (its first convolution and pooling also run image by image: 1 channel, 3x3)
    sameBits(() -> Sequential.input(1, 14, 14).conv2d(8, 3).padding(1).relu().maxPool2d(2)
        .conv2d(8, 3).padding(1).batchNorm().relu().maxPool2d(2)
        .flatten().dense(16).relu().dense(3));
    // a convolution pooled without relu, image by image past the first step (its input
    // gradient too), and a 2x2 kernel
    sameBits(() -> Sequential.input(1, 12, 12).conv2d(1, 3).padding(1).relu()
        .conv2d(4, 2).maxPool2d(2).conv2d(3, 3).relu().maxPool2d(2)
        .flatten().dense(3));
  }

  private static void sameBits(Supplier<Sequential> model) {
    Model fused = model.get().build(7);
    Model plain = model.get().build(7);
    plain.fuseTrainingSteps(false);
    float[] untrained = ModelTest.weights(plain);
    Dataset data = data(fused.inputShape().dims(), 40);
    Loss loss = new SoftmaxCrossEntropy();
    Adam fusedAdam = new Adam();
    Adam plainAdam = new Adam();
    for (int epoch = 0; epoch < 3; epoch++) {
      for (Batch batch : Batches.inOrder(data, 16)) {
        float a = fused.trainOnBatch(batch.features(), batch.target(), loss, fusedAdam, 0.05f, 0);
        float b = plain.trainOnBatch(batch.features(), batch.target(), loss, plainAdam, 0.05f, 0);
        assertEquals(Float.floatToIntBits(b), Float.floatToIntBits(a), "loss " + b + " vs " + a);
      }
    }
    assertFalse(Arrays.equals(untrained, ModelTest.weights(plain)), "training changed nothing");
    assertArrayEquals(ModelTest.weights(plain), ModelTest.weights(fused));
  }

  /** Small integers, a fifth of them zeros of either sign, and three classes. */
  private static Dataset data(int[] sample, int n) {
    int size = 1;
    for (int d : sample) {
      size *= d;
    }
    int[] dims = new int[sample.length + 1];
    dims[0] = n;
    System.arraycopy(sample, 0, dims, 1, sample.length);
    float[] x = new float[n * size];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < x.length; i++) {
      int kind = r.nextInt(10);
      x[i] = kind == 0 ? 0f : kind == 1 ? -0f : r.nextInt(-3, 3);
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(3);
    }
    return Dataset.ofLabels(Tensor.wrap(x, dims), labels, 3);
  }
}
