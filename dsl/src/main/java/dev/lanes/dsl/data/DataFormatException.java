package dev.lanes.dsl.data;

import java.io.IOException;

/**
 * A data file that cannot be read as the data it claims to be: a wrong magic number, a
 * truncated file, a label out of range, a ragged CSV row, a NaN. The message names the file and
 * the place: {@code train.csv: line 12, column 5: 'abc' is not a number}, or
 * {@code labels.idx1: byte 8: label 12 is outside [0, 10)}.
 *
 * <p>Checked, and an {@link IOException}, because bad files are an expected failure of reading
 * that a program should report, not a bug. (Not to be confused with
 * {@code java.util.zip.DataFormatException}, which the JDK throws for bad deflate data; the
 * readers turn that into this.)
 */
public class DataFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String place;

  /**
   * @param file the file as the caller named it
   * @param place where in the file: {@code "byte 8"}, {@code "line 12, column 5"}
   * @param problem what is wrong there
   */
  public DataFormatException(String file, String place, String problem) {
    this(file, place, problem, null);
  }

  public DataFormatException(String file, String place, String problem, Throwable cause) {
    super(file + ": " + place + ": " + problem, cause);
    this.file = file;
    this.place = place;
  }

  public String file() {
    return file;
  }

  /** Where in the file: {@code "byte 8"}, {@code "line 12, column 5"}. */
  public String place() {
    return place;
  }
}
