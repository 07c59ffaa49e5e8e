package dev.lanes.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Bad option values found after parsing: picocli's message with the usage, exit code 2. */
final class Usage {
  private Usage() {}

  static void check(CommandSpec spec, boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }
}
