package dev.lanes.cli;

import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.TypeConversionException;

/** Options whose values are enum constants named by their {@code toString()} (fashion-mnist). */
final class Choices {
  private Choices() {}

  /** The constant whose name is {@code text} (ignoring case), or null. */
  static <E extends Enum<E>> E find(E[] values, String text) {
    for (E e : values) {
      if (e.toString().equalsIgnoreCase(text)) {
        return e;
      }
    }
    return null;
  }

  /** The constant named {@code text}; else picocli's "Invalid value" with the names allowed. */
  static <E extends Enum<E>> E parse(E[] values, String text) {
    E e = find(values, text);
    if (e == null) {
      throw new TypeConversionException("expected one of " + names(values) + ", got '" + text
          + "'");
    }
    return e;
  }

  /** "mlp, cnn, lstm, gru, resnet". */
  static String names(Enum<?>[] values) {
    return Arrays.stream(values).map(Object::toString).collect(Collectors.joining(", "));
  }
}
