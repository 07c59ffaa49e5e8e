package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.Property;
import dev.lanes.layers.check.GradientCheck;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer passes the public gradient check (default settings, see {@link GradientCheck}) on
 * random shapes and hyper-parameters: the input gradient and every parameter's.
 */
class LayerGradientPropertyTest {
  /** A random layer stack and the input it takes: sample shape and batch size. */
  record Setup(List<Layer> stack, Shape sample, int batch, float epsilon) {
    Setup(List<Layer> stack, Shape sample, int batch) {
      this(stack, sample, batch, GradientCheck.Settings.defaults().epsilon());
    }
  }

  static Stream<Arguments> layers() {
    return Stream.of(
        arg("Dense", c -> new Setup(List.of(new Dense.Config(c.intIn("units", 1, 8),
            c.bool("bias")).create("dense")), Shape.of(c.intIn("in", 1, 12)), c.intIn("batch", 1, 4))),
        arg("Relu", c -> activation(c, new Relu.Config())),
        arg("LeakyRelu", c -> activation(c, new LeakyRelu.Config(c.floatIn("alpha", 0, 0.5f)))),
        arg("Sigmoid", c -> activation(c, new Sigmoid.Config())),
        arg("Tanh", c -> activation(c, new Tanh.Config())),
        arg("Gelu", c -> activation(c, new Gelu.Config())),
        arg("Softmax", c -> new Setup(List.of(new Softmax.Config().create("softmax")),
            Shape.of(c.intIn("classes", 1, 10)), c.intIn("batch", 1, 4))),
        arg("Flatten then Dense", c -> new Setup(List.of(new Flatten.Config().create("flatten"),
            new Dense.Config(3).create("dense")), Shape.of(c.intIn("c", 1, 3),
            c.intIn("h", 1, 4), c.intIn("w", 1, 4)), c.intIn("batch", 1, 3))),
        arg("Conv2d", LayerGradientPropertyTest::conv),
        arg("MaxPool2d", c -> pool(c, true)),
        arg("AvgPool2d", c -> pool(c, false)),
        arg("GlobalAvgPool2d", c -> new Setup(List.of(new GlobalAvgPool2d.Config().create("gap")),
            Shape.of(c.intIn("c", 1, 4), c.intIn("h", 1, 5), c.intIn("w", 1, 5)),
            c.intIn("batch", 1, 3))),
        arg("Dropout", c -> new Setup(List.of(new Dropout.Config(c.floatIn("rate", 0, 0.7f))
            .create("dropout")), Shape.of(c.intIn("f", 1, 20)), c.intIn("batch", 1, 4))),
        arg("BatchNorm over features", c -> new Setup(List.of(new BatchNorm.Config(
            c.floatIn("momentum", 0.05f, 1f), 1e-5f).create("bn")), Shape.of(c.intIn("f", 1, 6)),
            // with two or three samples x̂ is nearly ±1 whatever x is, and ε = 1e-2 is no
            // longer small against the spread of a feature: the central difference is off
            c.intIn("batch", 4, 8))),
        // at least 8 values per channel, for the reason above
        arg("BatchNorm over channels", c -> new Setup(List.of(new BatchNorm.Config()
            .create("bn")), Shape.of(c.intIn("c", 1, 3), c.intIn("h", 2, 4), c.intIn("w", 2, 4)),
            c.intIn("batch", 2, 3))),
        arg("Maxout", c -> new Setup(List.of(new Maxout.Config(c.intIn("units", 1, 5),
            c.intIn("pieces", 2, 4)).create("maxout")), Shape.of(c.intIn("in", 1, 8)),
            c.intIn("batch", 1, 4))),
        arg("Residual, same shape", c -> new Setup(List.of(new Residual.Config(List.of(
            new Dense.Config(4), new Tanh.Config(), new Dense.Config(4))).create("res")),
            Shape.of(4), c.intIn("batch", 1, 4))),
        arg("Residual with a projection", c -> new Setup(List.of(new Residual.Config(List.of(
            new Conv2d.Config(c.intIn("filters", 1, 4), 3, 3, 2, 1, 1, true),
            new Tanh.Config())).create("res")), Shape.of(2, c.intIn("h", 3, 6), c.intIn("w", 3, 6)),
            c.intIn("batch", 1, 2))),
        // Stacks: one weight of a convolution moves a whole channel, so with relu or max
        // pooling behind it several kinks can fall inside ±ε at once, where no derivative
        // exists to check. So one stack is smooth (batch norm, tanh, average pooling) and the
        // kinked one has no batch norm (which would spread one kink over the channel), small
        // images and a smaller ε.
        arg("a smooth CNN", c -> new Setup(List.of(
            new Conv2d.Config(3, 3, 3, 1, 1, 1, true).create("conv"),
            new BatchNorm.Config().create("bn"), new Tanh.Config().create("tanh"),
            new AvgPool2d.Config(2).create("pool"), new Flatten.Config().create("flatten"),
            new Dense.Config(4).create("dense")), Shape.of(2, 6, 6), c.intIn("batch", 3, 4))),
        arg("a relu CNN", c -> new Setup(List.of(
            new Conv2d.Config(3, 3, 3, 1, 1, 1, true).create("conv"),
            new Relu.Config().create("relu"), new MaxPool2d.Config(2).create("pool"),
            new Flatten.Config().create("flatten"), new Dense.Config(4).create("dense")),
            Shape.of(2, 4, 4), c.intIn("batch", 1, 2), 1e-3f)));
  }

  private static Arguments arg(String name, Function<Case, Setup> setup) {
    return Arguments.of(name, setup);
  }

  private static Setup activation(Case c, LayerConfig config) {
    Shape sample = c.bool("image") ? Shape.of(c.intIn("c", 1, 3), c.intIn("h", 1, 4),
        c.intIn("w", 1, 4)) : Shape.of(c.intIn("f", 1, 20));
    return new Setup(List.of(config.create("act")), sample, c.intIn("batch", 1, 4));
  }

  private static Setup conv(Case c) {
    int k = c.intIn("kernel", 1, 3);
    int dilation = c.intIn("dilation", 1, 2);
    int padding = c.intIn("padding", 0, 1);
    int min = Math.max(1, dilation * (k - 1) + 1 - 2 * padding);
    Conv2d.Config config = new Conv2d.Config(c.intIn("filters", 1, 4), k, k,
        c.intIn("stride", 1, 2), padding, dilation, c.bool("bias"));
    return new Setup(List.of(config.create("conv")), Shape.of(c.intIn("channels", 1, 3),
        c.intIn("h", min, min + 4), c.intIn("w", min, min + 4)), c.intIn("batch", 1, 3));
  }

  private static Setup pool(Case c, boolean max) {
    int k = c.intIn("kernel", 1, 3);
    int stride = c.intIn("stride", 1, 2);
    int padding = c.intIn("padding", 0, k / 2);
    int min = Math.max(1, k - 2 * padding);
    LayerConfig config = max ? new MaxPool2d.Config(k, stride, padding)
        : new AvgPool2d.Config(k, stride, padding, c.bool("countPadding"));
    return new Setup(List.of(config.create("pool")), Shape.of(c.intIn("c", 1, 3),
        c.intIn("h", min, min + 4), c.intIn("w", min, min + 4)), c.intIn("batch", 1, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void passesTheGradientCheck(String name, Function<Case, Setup> setup) {
    Property.named(name + " passes the gradient check").tries(12).check(c -> {
      Setup s = setup.apply(c);
      c.note("input", AbstractLayer.withBatchLetter(s.sample()) + " with N = " + s.batch());
      GradientCheck.Report report = GradientCheck.layers(s.stack(), s.sample(), s.batch(),
          GradientCheck.Settings.defaults().withSeed(c.seed()).withEpsilon(s.epsilon()));
      report.assertPassed();
    });
  }
}
