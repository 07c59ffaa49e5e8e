package dev.lanes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.dsl.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every zoo model trains from the command line; info, summary and help print what they say. */
class CommandsTest {
  @TempDir
  Path dir;

  @Test
  void everyZooModelTrainsAnEpochOnDigits() {
    for (String model : new String[] {"mlp", "cnn", "lstm", "gru", "resnet"}) {
      Run run = Run.of("train", "--model", model, "--epochs", "1", "--validation", "0");
      assertEquals(0, run.code(), run::toString);
      assertTrue(run.out().contains("Training " + model + " ("), run.out());
      assertTrue(run.out().contains("test accuracy"), run.out());
    }
  }

  @Test
  void sameSeedSameThreadsGiveTheSameModel() throws Exception {
    Path a = dir.resolve("a.safetensors");
    Path b = dir.resolve("b.safetensors");
    assertEquals(0, Run.of("train", "--model", "mlp", "--epochs", "2", "--seed", "5",
        "--save", a.toString()).code());
    assertEquals(0, Run.of("train", "--model", "mlp", "--epochs", "2", "--seed", "5",
        "--save", b.toString()).code());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)));
  }

  @Test
  void infoNamesKernelsThreadsJdkAndMeasuresSgemm() {
    Run run = Run.of("info", "--threads", "1");
    assertEquals(0, run.code(), run::toString);
    assertTrue(run.out().contains("kernels    simd (") || run.out().contains("kernels    scalar"),
        run.out());
    assertTrue(run.out().contains("threads    1"), run.out());
    assertTrue(run.out().contains("JDK        " + Runtime.version()), run.out());
    Matcher m = Pattern.compile("sgemm +(\\d+\\.\\d) GFLOP/s").matcher(run.out());
    assertTrue(m.find(), run.out());
    assertTrue(Double.parseDouble(m.group(1)) > 0, run.out());
  }

  @Test
  void summaryOfEachZooModelForFashionMnistShapes() {
    Run run = Run.of("summary", "--model", "lstm", "--dataset", "fashion-mnist");
    assertEquals(0, run.code(), run::toString);
    assertTrue(run.out().contains("(N, 28, 28)"), run.out()); // rows as a sequence
    assertTrue(run.out().contains("Lstm"), run.out());
    Run unknown = Run.of("summary", "--model", "nothing-here");
    assertEquals(1, unknown.code(), unknown::toString);
    assertTrue(unknown.err().contains("not a zoo model (mlp, cnn, lstm, gru, resnet)"),
        unknown::toString);
  }

  @Test
  void helpListsEveryCommand() {
    Run run = Run.of("--help");
    assertEquals(0, run.code());
    for (String c : new String[] {"train", "evaluate", "predict", "summary", "info"}) {
      assertTrue(run.out().contains("  " + c + " "), run.out());
    }
    Run train = Run.of("train", "--help");
    assertTrue(train.out().contains("--early-stopping=PATIENCE"), train.out());
  }

  @Test
  void noWriteStartsOnceShutdownHasBegun() throws Exception {
    Model model = ModelZoo.MLP.build(dev.lanes.core.Shape.of(4), 2, 1);
    Path file = dir.resolve("late.safetensors");
    try {
      SafeFiles.beginShutdown();
      CliException e = assertThrows(CliException.class, () -> SafeFiles.saveModel(model, file));
      assertTrue(e.getMessage().contains("not written, the program is being stopped"));
      assertThrows(CliException.class, () -> SafeFiles.write(dir.resolve("r.json"), new byte[1]));
    } finally {
      SafeFiles.resetForTests();
    }
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "nothing, not even a temporary file, was written");
    }
    SafeFiles.saveModel(model, file);
    assertTrue(Files.exists(file));
  }

  @Test
  void earlyStoppingStopsAndSaysSo() {
    Run run = Run.of("train", "--model", "mlp", "--epochs", "60", "--early-stopping", "1",
        "--lr", "0.05");
    assertEquals(0, run.code(), run::toString);
    Matcher m = Pattern.compile("trained (\\d+) epochs").matcher(run.out());
    assertTrue(m.find(), run.out());
    assertTrue(Integer.parseInt(m.group(1)) < 60, run.out());
  }
}
