package dev.lanes.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code lanes} command: train, evaluate, predict, summary and info.
 *
 * <p>Exit codes: 0 success; 2 bad usage (picocli's message and usage) or a missing data set;
 * 1 a damaged file or a failed run, reported as one line ({@code --verbose} adds the stack
 * trace).
 */
@Command(name = "lanes", mixinStandardHelpOptions = true,
    versionProvider = Lanes.Version.class,
    description = "Train, evaluate and run small neural networks in pure Java.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
        SummaryCommand.class, InfoCommand.class, CommandLine.HelpCommand.class})
public final class Lanes {
  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  public static void main(String[] args) {
    // charts are drawn off screen; without this AWT may look for a display
    System.setProperty("java.awt.headless", "true");
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(execute(out, err, args));
  }

  /** Runs one command line in this JVM, printing to the given writers; returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    Lanes root = new Lanes();
    CommandLine cli = new CommandLine(root);
    cli.setOut(out);
    cli.setErr(err);
    // picocli's own handler leaves out the usage when it has suggestions; always show both
    cli.setParameterExceptionHandler((e, arguments) -> {
      CommandLine where = e.getCommandLine();
      PrintWriter w = where.getErr();
      w.println(e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, w);
      where.usage(w);
      w.flush();
      return where.getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      err.println(commandLine.getCommandName().equals("lanes") ? "lanes: " + message(e)
          : "lanes " + commandLine.getCommandName() + ": " + message(e));
      if (root.verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return e instanceof CliException c ? c.exitCode() : CliException.FAILURE;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * One line for the user: what went wrong, naming the file where there is one (the readers'
   * DataFormatException and ModelFormatException are IOExceptions whose messages do).
   */
  private static String message(Exception e) {
    Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
    return switch (t) {
      case CliException c -> c.getMessage();
      case NoSuchFileException n -> n.getFile() + ": no such file";
      case IOException io -> io.getMessage() == null ? io.toString() : io.getMessage();
      case IllegalArgumentException i -> i.getMessage();
      case IllegalStateException i -> i.getMessage();
      default -> t.toString() + " (run with --verbose for the stack trace)";
    };
  }

  /** {@code lanes --version}: the library version and what runs the kernels. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Lanes.class.getPackage().getImplementationVersion();
      return new String[] {"lanes " + (version == null ? "0.1.0-SNAPSHOT" : version),
          "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
