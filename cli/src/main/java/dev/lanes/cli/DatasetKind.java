package dev.lanes.cli;

import picocli.CommandLine.ITypeConverter;

/** The data sets {@code --dataset} names. */
enum DatasetKind {
  DIGITS("digits"),
  FASHION_MNIST("fashion-mnist"),
  MNIST("mnist"),
  CSV("csv");

  private final String label;

  DatasetKind(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }

  static DatasetKind parse(String text) {
    return Choices.parse(values(), text);
  }

  /** For picocli: {@code --dataset fashion-mnist}. */
  static final class Converter implements ITypeConverter<DatasetKind> {
    @Override
    public DatasetKind convert(String value) {
      return parse(value);
    }
  }
}
