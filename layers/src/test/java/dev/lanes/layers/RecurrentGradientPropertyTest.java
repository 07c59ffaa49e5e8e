package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.Property;
import dev.lanes.layers.check.GradientCheck;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every recurrent cell and GRU variant passes the public gradient check (default settings, see
 * {@link GradientCheck}) on random sizes with T from 1 to 12 steps: the input's gradient and
 * every parameter's, with and without {@code returnSequences}, with a given initial state (whose
 * gradient is checked too), and two layers stacked.
 */
class RecurrentGradientPropertyTest {
  private static void check(Case c, List<Layer> stack, Shape sample, int batch) {
    c.note("input", AbstractLayer.withBatchLetter(sample) + " with N = " + batch);
    GradientCheck.layers(stack, sample, batch,
        GradientCheck.Settings.defaults().withSeed(c.seed())).assertPassed();
  }

  private static Shape sequence(Case c) {
    return Shape.of(c.intIn("T", 1, 12), c.intIn("F", 1, 5));
  }

  @ParameterizedTest
  @EnumSource(RecurrentCell.class)
  void oneLayer(RecurrentCell cell) {
    Property.named(cell + " passes the gradient check").tries(10).check(c -> {
      Shape sample = sequence(c);
      check(c, List.of(cell.draw(c, "rnn", c.bool("returnSequences"))), sample,
          c.intIn("batch", 1, 3));
    });
  }

  @ParameterizedTest
  @EnumSource(RecurrentCell.class)
  void withAnInitialState(RecurrentCell cell) {
    Property.named(cell + " with an initial state passes the gradient check").tries(6)
        .check(c -> {
          Shape sample = sequence(c);
          int batch = c.intIn("batch", 1, 3);
          Layer layer = new LearnedInitialState(cell.draw(c, "rnn", c.bool("returnSequences")),
              batch);
          check(c, List.of(layer), sample, batch);
        });
  }

  @ParameterizedTest
  @EnumSource(RecurrentCell.class)
  void stackedTwoDeep(RecurrentCell cell) {
    Property.named(cell + " under another recurrent layer passes the gradient check").tries(6)
        .check(c -> {
          Shape sample = sequence(c);
          RecurrentCell top = c.oneOf("top", RecurrentCell.values());
          check(c, List.of(cell.draw(c, "first", true),
              top.draw(c, "second", c.bool("returnSequences"))), sample, c.intIn("batch", 1, 3));
        });
  }
}
