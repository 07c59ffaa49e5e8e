package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The messages a user sees for wrong shapes and bad settings. */
class LayerMessagesTest {
  private static String message(Runnable r) {
    return assertThrows(RuntimeException.class, r::run).getMessage();
  }

  @Test
  void denseOnImagesSuggestsFlatten() {
    Dense dense = new Dense.Config(10).create("dense_2");
    dense.build(Shape.of(784), new SplittableRandom(1));
    assertEquals("Dense 'dense_2': expected input (N, 784), got (32, 1, 28, 28); add flatten()"
        + " before dense()", message(() -> dense.forward(Tensor.zeros(32, 1, 28, 28), true)));
    assertEquals("Dense 'dense_3': expected input (N, features), got (N, 1, 28, 28); add"
        + " flatten() before dense()", message(() -> new Dense.Config(10).create("dense_3")
            .build(Shape.of(1, 28, 28), new SplittableRandom(1))));
  }

  @Test
  void convolutionShapeProblemsNameTheLayer() {
    assertEquals("Conv2d 'conv_1': conv2d: the output would be empty: the kernel spans 5x5"
        + " (kernel 5x5, dilation 1x1) but the padded input is only 3x3", message(
            () -> new Conv2d.Config(4, 5).create("conv_1").build(Shape.of(1, 3, 3),
                new SplittableRandom(1))));
    assertEquals("Conv2d 'conv_1': expected input (N, C, H, W), got (N, 784); conv2d needs"
        + " images; reshape flat features to (channels, height, width) first", message(
            () -> new Conv2d.Config(4, 3).create("conv_1").build(Shape.of(784),
                new SplittableRandom(1))));
    assertEquals("MaxPool2d 'pool': pool2d: the 4x4 kernel is larger than the padded input 3x3:"
        + " the output would be empty", message(() -> new MaxPool2d.Config(4).create("pool")
            .build(Shape.of(2, 3, 3), new SplittableRandom(1))));
  }

  @Test
  void settingsAreValidatedWithTheReceivedValue() {
    assertEquals("Dense: units must be >= 1, got 0", message(() -> new Dense.Config(0)));
    assertEquals("Dropout: rate must be in [0, 1), got 1.0", message(() -> new Dropout.Config(1f)));
    assertEquals("BatchNorm: momentum must be in (0, 1], got 0.0",
        message(() -> new BatchNorm.Config(0f, 1e-5f)));
    assertEquals("Maxout: expected units >= 1 and pieces >= 2, got 3 units of 1 pieces",
        message(() -> new Maxout.Config(3, 1)));
    assertEquals("LeakyRelu: alpha must be finite and >= 0, got NaN",
        message(() -> new LeakyRelu.Config(Float.NaN)));
    assertEquals("Residual: the branch needs at least one layer",
        message(() -> new Residual.Config(List.of())));
  }

  @Test
  void batchNormNeedsMoreThanOneValuePerChannelToTrain() {
    BatchNorm bn = new BatchNorm.Config().create("bn");
    bn.build(Shape.of(4), new SplittableRandom(1));
    assertEquals("BatchNorm 'bn': training needs more than one value per channel, got input"
        + " (1, 4)", message(() -> bn.forward(Tensor.zeros(1, 4), true)));
    bn.forward(Tensor.zeros(1, 4), false); // inference on one sample is fine
  }

  @Test
  void aLayerIsBuiltOnce() {
    Dense dense = new Dense.Config(3).create("d");
    dense.build(Shape.of(2), new SplittableRandom(1));
    assertEquals("Dense 'd': already built for input (N, 2)",
        message(() -> dense.build(Shape.of(2), new SplittableRandom(1))));
  }
}
