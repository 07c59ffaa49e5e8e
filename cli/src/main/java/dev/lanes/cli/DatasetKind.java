package dev.lanes.cli;

import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

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
    for (DatasetKind kind : values()) {
      if (kind.label.equalsIgnoreCase(text)) {
        return kind;
      }
    }
    throw new TypeConversionException("expected one of " + Arrays.stream(values())
        .map(DatasetKind::toString).collect(Collectors.joining(", ")) + ", got '" + text + "'");
  }

  /** For picocli: {@code --dataset fashion-mnist}. */
  static final class Converter implements ITypeConverter<DatasetKind> {
    @Override
    public DatasetKind convert(String value) {
      return parse(value);
    }
  }
}
