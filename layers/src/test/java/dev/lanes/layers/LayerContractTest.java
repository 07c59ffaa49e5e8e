package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layer contract, checked for every layer type the way Keras' run_layer_test does: output
 * shape and parameter count, the config recreates an equal layer, the input is never modified,
 * inference repeats and equals forward in inference mode, a wrong shape names the layer, and
 * backward before forward is refused.
 */
class LayerContractTest {
  static Stream<Arguments> layers() {
    return Stream.of(
        Arguments.of(new Dense.Config(7), Shape.of(5), Shape.of(7), 5 * 7 + 7),
        Arguments.of(new Dense.Config(7, false), Shape.of(5), Shape.of(7), 35),
        Arguments.of(new Conv2d.Config(4, 3, 3, 1, 1, 1, true), Shape.of(2, 6, 6),
            Shape.of(4, 6, 6), 4 * 2 * 9 + 4),
        Arguments.of(new Conv2d.Config(4, 3, 3, 2, 0, 1, false), Shape.of(2, 7, 7),
            Shape.of(4, 3, 3), 4 * 2 * 9),
        Arguments.of(new MaxPool2d.Config(2), Shape.of(3, 6, 5), Shape.of(3, 3, 2), 0),
        Arguments.of(new AvgPool2d.Config(3, 2, 1, false), Shape.of(3, 6, 6), Shape.of(3, 3, 3), 0),
        Arguments.of(new GlobalAvgPool2d.Config(), Shape.of(3, 4, 4), Shape.of(3), 0),
        Arguments.of(new Flatten.Config(), Shape.of(2, 3, 4), Shape.of(24), 0),
        Arguments.of(new Relu.Config(), Shape.of(2, 3, 4), Shape.of(2, 3, 4), 0),
        Arguments.of(new LeakyRelu.Config(0.2f), Shape.of(9), Shape.of(9), 0),
        Arguments.of(new Sigmoid.Config(), Shape.of(9), Shape.of(9), 0),
        Arguments.of(new Tanh.Config(), Shape.of(9), Shape.of(9), 0),
        Arguments.of(new Gelu.Config(), Shape.of(9), Shape.of(9), 0),
        Arguments.of(new Softmax.Config(), Shape.of(9), Shape.of(9), 0),
        Arguments.of(new Dropout.Config(0.5f), Shape.of(9), Shape.of(9), 0),
        Arguments.of(new BatchNorm.Config(), Shape.of(6), Shape.of(6), 12),
        Arguments.of(new BatchNorm.Config(0.2f, 1e-3f), Shape.of(3, 4, 4), Shape.of(3, 4, 4), 6),
        Arguments.of(new Maxout.Config(4, 3), Shape.of(5), Shape.of(4), 12 * 5 + 12),
        Arguments.of(new Residual.Config(List.of(new Dense.Config(6), new Relu.Config())),
            Shape.of(6), Shape.of(6), 42),
        Arguments.of(new Residual.Config(List.of(new Conv2d.Config(4, 3, 3, 2, 1, 1, true))),
            Shape.of(2, 6, 6), Shape.of(4, 3, 3), (4 * 2 * 9 + 4) + (4 * 2 + 4)),
        // recurrent: G·H·F + G·H·H + 2·G·H with G = 1, 4, 3 gates
        Arguments.of(new SimpleRnn.Config(5), Shape.of(4, 3), Shape.of(5), 5 * 3 + 5 * 5 + 10),
        Arguments.of(new SimpleRnn.Config(5, true), Shape.of(4, 3), Shape.of(4, 5), 50),
        Arguments.of(new Lstm.Config(4), Shape.of(3, 2), Shape.of(4), 16 * 2 + 16 * 4 + 32),
        Arguments.of(new Lstm.Config(4, true, true), Shape.of(3, 2), Shape.of(3, 4), 128),
        Arguments.of(new Gru.Config(3), Shape.of(5, 2), Shape.of(3), 9 * 2 + 9 * 3 + 18),
        Arguments.of(new Gru.Config(3, true, Gru.Variant.CHO), Shape.of(5, 2), Shape.of(5, 3),
            63));
  }

  private static Tensor random(Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) r.nextDouble(-2, 2);
    }
    return t;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void honoursTheContract(LayerConfig config, Shape in, Shape out, int paramCount) {
    Layer layer = config.create("layer_1");
    assertEquals(out, layer.build(in, new SplittableRandom(1)));
    assertEquals(in, layer.inputShape());
    assertEquals(out, layer.outputShape());
    assertEquals(paramCount, layer.params().stream().mapToInt(Param::size).sum());

    // the config recreates an equal, unbuilt layer
    Layer twin = layer.config().create("layer_1");
    assertEquals(config, twin.config());
    assertEquals(out, twin.build(in, new SplittableRandom(1)));

    int batch = 3;
    Tensor x = random(in.prepend(batch), 7);
    float[] before = x.toArray();

    // inference repeats, equals forward(x, false), and leaves x alone
    Tensor a = layer.infer(x);
    Tensor b = layer.infer(x);
    assertEquals(out.prepend(batch), a.shape());
    assertArrayEquals(a.toArray(), b.toArray());
    assertArrayEquals(a.toArray(), layer.forward(x, false).toArray());
    assertArrayEquals(before, x.toArray(), "inference modified its input");

    // training forward and backward leave x and dOut alone
    Tensor y = layer.forward(x, true);
    assertEquals(out.prepend(batch), y.shape());
    Tensor dOut = random(out.prepend(batch), 9);
    float[] dOutBefore = dOut.toArray();
    Tensor dx = layer.backward(dOut);
    assertEquals(in.prepend(batch), dx.shape());
    assertArrayEquals(before, x.toArray(), "training modified its input");
    assertArrayEquals(dOutBefore, dOut.toArray(), "backward modified dOut");
    if (!(config instanceof Flatten.Config || config instanceof Dropout.Config)) {
      assertNotSame(x.data(), a.data(), "inference must not return its input's storage");
    }

    // a wrong shape names the layer, the expected and the actual shape
    Tensor wrong = Tensor.zeros(Shape.of(batch, in.size() + 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> layer.forward(wrong, false));
    String type = layer.getClass().getSimpleName();
    assertTrue(e.getMessage().startsWith(type + " 'layer_1': expected input "
        + AbstractLayer.withBatchLetter(in) + ", got " + wrong.shape()), e.getMessage());

    // backward needs a training forward first
    Layer fresh = config.create("fresh");
    fresh.build(in, new SplittableRandom(1));
    fresh.forward(x, false);
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> fresh.backward(dOut));
    assertEquals(type + " 'fresh': backward() called before a training forward()", s.getMessage());
  }
}
