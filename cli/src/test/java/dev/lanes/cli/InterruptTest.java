package dev.lanes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping {@code train --save} (SIGTERM, which runs the same shutdown as Ctrl-C's SIGINT) in
 * the middle of training leaves no file at all: neither the model nor a temporary file.
 */
class InterruptTest {
  @TempDir
  Path dir;

  @Test
  void stoppedTrainingLeavesNoHalfWrittenFile() throws Exception {
    Path model = dir.resolve("m.safetensors");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "--add-modules=jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"), Lanes.class.getName(), "train",
        "--epochs", "500", "--save", model.toString(), "--report",
        dir.resolve("r.json").toString())
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = out.readLine()) != null && !line.matches("epoch +2/500 .*")) {
        // training is under way once an epoch has ended
      }
      assertTrue(line != null, "the child ended before its second epoch");
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not stop");
    } finally {
      p.destroyForcibly();
    }
    assertEquals(143, p.exitValue(), "128 + SIGTERM");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList());
    }
  }
}
