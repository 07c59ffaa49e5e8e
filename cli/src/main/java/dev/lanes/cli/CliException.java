package dev.lanes.cli;

/**
 * A failure the user can act on, with the exit code the command should end with: 2 for a
 * missing data set or a request that cannot make sense (like usage errors), 1 for a damaged
 * file or a run that failed. The message is printed as one line, without a stack trace.
 */
final class CliException extends RuntimeException {
  static final int USAGE = 2;
  static final int FAILURE = 1;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
