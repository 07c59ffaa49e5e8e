package dev.lanes.cli;

import dev.lanes.core.parallel.Parallel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --threads N}: how many threads the kernels use. */
final class ThreadsOption {
  @Option(names = "--threads", paramLabel = "N",
      description = "Threads for the kernels. Default: the number of processors, or "
          + "-Dlanes.threads.")
  Integer threads;

  /** Applies the option (if given) and returns the thread count in force. */
  int apply(CommandSpec spec) {
    if (threads != null) {
      Usage.check(spec, threads >= 1 && threads <= 1024,
          "--threads must be between 1 and 1024, got " + threads);
      Parallel.setThreads(threads);
    }
    return Parallel.threads();
  }
}
