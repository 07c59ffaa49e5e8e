package dev.lanes.cli;

import dev.lanes.dsl.Model;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the command's output files so that none is ever left half-written: each goes to a
 * temporary file beside the target, is forced to disk and renamed over it (as
 * {@link Model#save} does), and every write holds a lock that the JVM's shutdown (Ctrl-C,
 * SIGTERM) takes too. A shutdown that begins during a write waits for the rename; a write
 * asked for after a shutdown began is not started.
 */
final class SafeFiles {
  private static final Object LOCK = new Object();
  private static boolean shuttingDown;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(SafeFiles::beginShutdown,
        "lanes-safe-files"));
  }

  private SafeFiles() {}

  /** What the shutdown hook runs: waits for a write in progress, then refuses new ones. */
  static void beginShutdown() {
    synchronized (LOCK) {
      shuttingDown = true;
    }
  }

  /** For tests, which simulate a shutdown in the same JVM. */
  static void resetForTests() {
    synchronized (LOCK) {
      shuttingDown = false;
    }
  }

  /** An action that writes a file. */
  interface Write {
    void run() throws IOException;
  }

  /**
   * Runs the write unless the JVM is shutting down.
   *
   * @throws CliException (exit 1) when a shutdown has begun, so nothing was written
   */
  static void guarded(Path target, Write write) throws IOException {
    synchronized (LOCK) {
      if (shuttingDown) {
        throw new CliException(CliException.FAILURE, target + ": not written, the program is"
            + " being stopped");
      }
      write.run();
    }
  }

  static void saveModel(Model model, Path file) throws IOException {
    guarded(file, () -> model.save(file));
  }

  /** Writes the bytes to {@code file} atomically (temporary file, fsync, rename). */
  static void write(Path file, byte[] bytes) throws IOException {
    guarded(file, () -> writeAtomically(file, bytes));
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = dir.resolve("." + target.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    boolean done = false;
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        out.write(java.nio.ByteBuffer.wrap(bytes));
        out.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // the write's own failure is the one to report
        }
      }
    }
  }

  /**
   * Fails early, before hours of training, when an output file cannot be written there;
   * nothing to check when the option was not given ({@code file} null).
   */
  static void checkWritable(Path file, String option) {
    if (file == null) {
      return;
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new CliException(CliException.USAGE, option + " " + file + ": the directory "
          + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new CliException(CliException.USAGE, option + " " + file + ": cannot write in "
          + dir);
    }
    if (Files.isDirectory(file)) {
      throw new CliException(CliException.USAGE, option + " " + file + " is a directory");
    }
  }
}
