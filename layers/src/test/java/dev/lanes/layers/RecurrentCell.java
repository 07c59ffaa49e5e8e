package dev.lanes.layers;

import dev.lanes.core.prop.Case;

/** The recurrent cells and GRU variants, for tests that run over all of them. */
enum RecurrentCell {
  RNN, LSTM, GRU_PYTORCH, GRU_CHO;

  RecurrentLayer create(String name, int hidden, boolean sequences, boolean unitForgetBias) {
    return switch (this) {
      case RNN -> new SimpleRnn.Config(hidden, sequences).create(name);
      case LSTM -> new Lstm.Config(hidden, sequences, unitForgetBias).create(name);
      case GRU_PYTORCH -> new Gru.Config(hidden, sequences, Gru.Variant.PYTORCH).create(name);
      case GRU_CHO -> new Gru.Config(hidden, sequences, Gru.Variant.CHO).create(name);
    };
  }

  /** A layer with H in [1, 6] (and, for the LSTM, the forget-bias option) drawn from the case. */
  RecurrentLayer draw(Case c, String name, boolean sequences) {
    return create(name, c.intIn(name + ".hidden", 1, 6), sequences, c.bool(name + ".unitForget"));
  }

  /** G, the gates per unit. */
  int gates() {
    return switch (this) {
      case RNN -> 1;
      case LSTM -> 4;
      case GRU_PYTORCH, GRU_CHO -> 3;
    };
  }
}
