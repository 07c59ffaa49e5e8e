package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.layers.check.GradientCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's gradient-check example, kept true. */
class GradientCheckExampleTest {
  @Test
  void theReadmeExamplePasses() {
    Layer conv = new Conv2d.Config(8, 3, 3, 1, 1, 1, true).create("conv");
    Layer relu = new Relu.Config().create("relu");
    Layer flat = new Flatten.Config().create("flatten");
    Layer out = new Dense.Config(10).create("out");
    GradientCheck.Report r = GradientCheck.layers(List.of(conv, relu, flat, out),
        Shape.of(1, 8, 8), 4, GradientCheck.Settings.defaults());
    System.out.println(r);
    r.assertPassed();
    assertTrue(r.tensors().size() == 5, "the input and four parameters");
  }
}
