package dev.lanes.dsl.io;

import java.io.IOException;

/**
 * A model file that is not a valid safetensors file, or holds something Lanes cannot load. The
 * message names the file and says what is wrong and where:
 * {@code model.safetensors: tensor '0.weight': data_offsets [0, 20] hold 20 bytes but shape
 * (2, 3) of F32 needs 24}.
 *
 * <p>Checked, and an {@link IOException}, because a damaged or hostile file is an expected
 * failure of reading from disk that callers must handle, not a programming error.
 */
public class ModelFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String problem;

  /** A problem with {@code file} (a path or any name the caller gave the bytes). */
  public ModelFormatException(String file, String problem) {
    this(file, problem, null);
  }

  public ModelFormatException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
    this.problem = problem;
  }

  /** The file, as it was named to the reader. */
  public String file() {
    return file;
  }

  /** What is wrong, without the file name. */
  public String problem() {
    return problem;
  }
}
