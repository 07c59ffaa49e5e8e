package dev.lanes.cli;

import dev.lanes.layers.optim.Adam;
import dev.lanes.layers.optim.AdamW;
import dev.lanes.layers.optim.Optimizer;
import dev.lanes.layers.optim.RmsProp;
import dev.lanes.layers.optim.Sgd;
import picocli.CommandLine.ITypeConverter;

/** The optimizers {@code --optimizer} names, with PyTorch's default settings. */
enum OptimizerKind {
  ADAM("adam"),
  ADAMW("adamw"),
  /** SGD with momentum 0.9. */
  SGD("sgd"),
  RMSPROP("rmsprop");

  private final String label;

  OptimizerKind(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }

  Optimizer create() {
    return switch (this) {
      case ADAM -> new Adam();
      case ADAMW -> new AdamW();
      case SGD -> new Sgd(Sgd.Config.momentum(0.9f));
      case RMSPROP -> new RmsProp();
    };
  }

  /** For picocli: {@code --optimizer sgd}. */
  static final class Converter implements ITypeConverter<OptimizerKind> {
    @Override
    public OptimizerKind convert(String value) {
      return Choices.parse(values(), value);
    }
  }
}
