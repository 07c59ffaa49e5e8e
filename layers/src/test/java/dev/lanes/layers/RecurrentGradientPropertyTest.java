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
  /** The cells under test. */
  enum Cell {
    RNN, LSTM, GRU_PYTORCH, GRU_CHO;

    RecurrentLayer create(String name, int hidden, boolean sequences, boolean unitForgetBias) {
      return switch (this) {
        case RNN -> new SimpleRnn.Config(hidden, sequences).create(name);
        case LSTM -> new Lstm.Config(hidden, sequences, unitForgetBias).create(name);
        case GRU_PYTORCH -> new Gru.Config(hidden, sequences, Gru.Variant.PYTORCH).create(name);
        case GRU_CHO -> new Gru.Config(hidden, sequences, Gru.Variant.CHO).create(name);
      };
    }

    RecurrentLayer draw(Case c, String name, boolean sequences) {
      return create(name, c.intIn(name + ".hidden", 1, 6), sequences, c.bool(name + ".unitForget"));
    }
  }

  private static void check(Case c, List<Layer> stack, Shape sample, int batch) {
    c.note("input", AbstractLayer.withBatchLetter(sample) + " with N = " + batch);
    GradientCheck.layers(stack, sample, batch,
        GradientCheck.Settings.defaults().withSeed(c.seed())).assertPassed();
  }

  private static Shape sequence(Case c) {
    return Shape.of(c.intIn("T", 1, 12), c.intIn("F", 1, 5));
  }

  @ParameterizedTest
  @EnumSource(Cell.class)
  void oneLayer(Cell cell) {
    Property.named(cell + " passes the gradient check").tries(10).check(c -> {
      Shape sample = sequence(c);
      check(c, List.of(cell.draw(c, "rnn", c.bool("returnSequences"))), sample,
          c.intIn("batch", 1, 3));
    });
  }

  @ParameterizedTest
  @EnumSource(Cell.class)
  void withAnInitialState(Cell cell) {
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
  @EnumSource(Cell.class)
  void stackedTwoDeep(Cell cell) {
    Property.named(cell + " under another recurrent layer passes the gradient check").tries(6)
        .check(c -> {
          Shape sample = sequence(c);
          Cell top = c.oneOf("top", Cell.values());
          check(c, List.of(cell.draw(c, "first", true),
              top.draw(c, "second", c.bool("returnSequences"))), sample, c.intIn("batch", 1, 3));
        });
  }
}
