package dev.lanes.dsl.data;

import dev.lanes.core.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a numeric CSV file (gzipped or not) as a classification data set: one sample per row,
 * one column holding the class label, every other column a feature.
 *
 * <pre>{@code
 * Dataset digits = CsvReader.labelColumn(-1).read(Path.of("digits.csv.gz"));  // label last
 * Dataset train = CsvReader.labelColumn(0).header(true).numClasses(10).read(path);
 * }</pre>
 *
 * <p>Cells are separated by one delimiter character (',' by default), with surrounding spaces
 * and one pair of double quotes ignored; there is no quoting of delimiters, as numbers need
 * none. Blank lines are skipped. Features must be finite numbers, labels whole numbers
 * ≥ 0 (and below {@code numClasses} when it is given; otherwise the number of classes is the
 * largest label plus one). Every row must have as many cells as the first. Any violation is a
 * {@link DataFormatException} naming the file, the line and the column (both from 1).
 */
public final class CsvReader {
  private final int labelColumn;
  private final boolean header;
  private final char delimiter;
  private final int numClasses;

  private CsvReader(int labelColumn, boolean header, char delimiter, int numClasses) {
    this.labelColumn = labelColumn;
    this.header = header;
    this.delimiter = delimiter;
    this.numClasses = numClasses;
  }

  /**
   * A reader whose labels are in column {@code column}, counted from 0; a negative column
   * counts from the end (-1 is the last). No header, ',' as delimiter, classes inferred.
   */
  public static CsvReader labelColumn(int column) {
    return new CsvReader(column, false, ',', 0);
  }

  /** Whether the first non-blank line is a header to skip. */
  public CsvReader header(boolean hasHeader) {
    return new CsvReader(labelColumn, hasHeader, delimiter, numClasses);
  }

  public CsvReader delimiter(char c) {
    if (c == '"' || c == '\n' || c == '\r' || c == '.' || c == '-' || Character.isDigit(c)) {
      throw new IllegalArgumentException("CsvReader: '" + c + "' cannot be a delimiter");
    }
    return new CsvReader(labelColumn, header, c, numClasses);
  }

  /** The number of classes: every label must be below it (0, the default, infers it). */
  public CsvReader numClasses(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("CsvReader: numClasses must be >= 0, got " + n);
    }
    return new CsvReader(labelColumn, header, delimiter, n);
  }

  /** Reads the file: features (N, F) and labels, F being the column count minus one. */
  public Dataset read(Path path) throws IOException {
    return read(DataInput.open(path));
  }

  /**
   * Reads a stream (gzipped or not), such as a class-path resource; {@code name} is what
   * messages call it. Closes the stream.
   */
  public Dataset read(java.io.InputStream stream, String name) throws IOException {
    return read(DataInput.open(stream, name, Long.MAX_VALUE / DataInput.MAX_GZIP_RATIO));
  }

  private Dataset read(DataInput opened) throws IOException {
    try (DataInput in = opened;
        // malformed bytes become U+FFFD, found line by line below: a decoder that reports
        // them would do so while filling its buffer, lines ahead of the one being parsed
        BufferedReader lines = new BufferedReader(new InputStreamReader(in,
            StandardCharsets.UTF_8))) {
      return new Parse(in.file).run(lines);
    }
  }

  /** The state of one read: the growing columns and where we are in the file. */
  private final class Parse {
    private final String file;
    private int lineNumber;
    private int columns = -1;   // cells per row, from the first row
    private int label = -1;     // the label's column index, from 0
    private float[] features = new float[1024];
    private int[] labels = new int[64];
    private int rows;
    private int maxLabel = -1;

    Parse(String file) {
      this.file = file;
    }

    Dataset run(BufferedReader in) throws IOException {
      boolean skipHeader = header;
      String line;
      while ((line = nextLine(in)) != null) {
        lineNumber++;
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a byte-order mark, as some spreadsheets write
        }
        if (line.isBlank()) {
          continue;
        }
        String[] cells = split(line);
        if (columns < 0) {
          start(cells.length);
        } else if (cells.length != columns) {
          throw error(lineNumber, "the row has " + cells.length + " columns, but the first has "
              + columns);
        }
        if (skipHeader) {
          skipHeader = false;
          continue;
        }
        addRow(cells);
      }
      if (rows == 0) {
        throw new DataFormatException(file, "line " + lineNumber, "the file has no data rows");
      }
      int classes = numClasses > 0 ? numClasses : maxLabel + 1;
      int f = columns - 1;
      return Dataset.ofLabels(Tensor.wrap(Arrays.copyOf(features, rows * f), rows, f),
          Arrays.copyOf(labels, rows), classes);
    }

    private String nextLine(BufferedReader in) throws IOException {
      String line = in.readLine();
      int bad = line == null ? -1 : line.indexOf('\uFFFD');
      if (bad >= 0) {
        throw new DataFormatException(file, "line " + (lineNumber + 1), "the text is not valid"
            + " UTF-8 (at character " + (bad + 1) + ")");
      }
      return line;
    }

    private void start(int count) throws DataFormatException {
      if (count < 2) {
        throw error(lineNumber, "a row needs a label and at least one feature, this one has "
            + count + " column" + (count == 1 ? "" : "s") + " (is the delimiter '" + delimiter
            + "' right?)");
      }
      int resolved = labelColumn < 0 ? count + labelColumn : labelColumn;
      if (resolved < 0 || resolved >= count) {
        throw error(lineNumber, "the label column " + labelColumn + " is outside the " + count
            + " columns");
      }
      columns = count;
      label = resolved;
    }

    private void addRow(String[] cells) throws DataFormatException {
      int f = columns - 1;
      long needed = (long) (rows + 1) * f;
      if (needed > Integer.MAX_VALUE - 8) {
        throw error(lineNumber, "more than " + Integer.MAX_VALUE + " feature values");
      }
      if (needed > features.length) {
        features = Arrays.copyOf(features, (int) Math.min(Integer.MAX_VALUE - 8,
            Math.max(needed, 2L * features.length)));
      }
      if (rows == labels.length) {
        labels = Arrays.copyOf(labels, 2 * rows);
      }
      int at = rows * f;
      for (int c = 0; c < columns; c++) {
        if (c == label) {
          labels[rows] = parseLabel(cells[c], c);
        } else {
          features[at++] = parseFeature(cells[c], c);
        }
      }
      rows++;
    }

    private float parseFeature(String cell, int column) throws DataFormatException {
      float v;
      try {
        v = Float.parseFloat(cell);
      } catch (NumberFormatException e) {
        throw error(lineNumber, column, describe(cell) + " is not a number");
      }
      if (!Float.isFinite(v)) {
        throw error(lineNumber, column, describe(cell) + " is not a finite number ("
            + v + ")");
      }
      return v;
    }

    private int parseLabel(String cell, int column) throws DataFormatException {
      double v;
      try {
        v = Double.parseDouble(cell);
      } catch (NumberFormatException e) {
        throw error(lineNumber, column, "the label " + describe(cell) + " is not a number");
      }
      if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE - 1) {
        throw error(lineNumber, column, "the label " + describe(cell)
            + " is not a whole number >= 0");
      }
      int y = (int) v;
      if (numClasses > 0 && y >= numClasses) {
        throw error(lineNumber, column, "the label " + y + " is outside [0, " + numClasses
            + ")");
      }
      maxLabel = Math.max(maxLabel, y);
      return y;
    }

    /** Splits on the delimiter, keeping empty cells (String.split would drop trailing ones). */
    private String[] split(String line) {
      int count = 1;
      for (int i = 0; i < line.length(); i++) {
        if (line.charAt(i) == delimiter) {
          count++;
        }
      }
      String[] cells = new String[count];
      int from = 0;
      for (int k = 0; k < count; k++) {
        int to = k == count - 1 ? line.length() : line.indexOf(delimiter, from);
        cells[k] = unquote(line.substring(from, to).strip());
        from = to + 1;
      }
      return cells;
    }

    private DataFormatException error(int line, String what) {
      return new DataFormatException(file, "line " + line, what);
    }

    private DataFormatException error(int line, int column, String what) {
      return new DataFormatException(file, "line " + line + ", column " + (column + 1), what);
    }
  }

  private static String unquote(String cell) {
    return cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")
        ? cell.substring(1, cell.length() - 1).strip() : cell;
  }

  private static String describe(String cell) {
    if (cell.isEmpty()) {
      return "the empty cell";
    }
    return "'" + (cell.length() > 40 ? cell.substring(0, 40) + "..." : cell) + "'";
  }
}
