package dev.lanes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets the documented exit code and a message that says what is wrong: usage errors
 * 2 with picocli's usage, a missing data set 2 in one line with how to get it, a damaged file 1
 * in one line naming it, with no stack trace unless --verbose.
 */
class ErrorPathsTest {
  @TempDir
  Path dir;

  private static void usageError(Run run, String... expected) {
    assertEquals(2, run.code(), run::toString);
    for (String e : expected) {
      assertTrue(run.err().contains(e), "expected '" + e + "' in\n" + run);
    }
    assertTrue(run.err().contains("Usage: lanes"), run::toString);
    assertEquals("", run.out(), run::toString);
  }

  /** One line on stderr, naming what went wrong, no stack trace. */
  private static void oneLine(Run run, int code, String... expected) {
    assertEquals(code, run.code(), run::toString);
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, run::toString);
    for (String e : expected) {
      assertTrue(lines[0].contains(e), "expected '" + e + "' in\n" + run);
    }
    assertFalse(run.err().contains("\tat "), run::toString);
  }

  @Test
  void unknownOptionsAndCommands() {
    usageError(Run.of("train", "--epoch", "3"), "Unknown options: '--epoch', '3'",
        "Possible solutions: --epochs");
    usageError(Run.of("fly"), "Unmatched argument at index 0: 'fly'");
    usageError(Run.of("evaluate"), "Missing required option: '--model=FILE'");
  }

  @Test
  void badValues() {
    usageError(Run.of("train", "--epochs", "0"), "--epochs must be at least 1, got 0");
    usageError(Run.of("train", "--epochs", "ten"), "Invalid value for option '--epochs'");
    usageError(Run.of("train", "--batch", "-4"), "--batch must be at least 1");
    usageError(Run.of("train", "--lr", "NaN"), "--lr must be a positive number");
    usageError(Run.of("train", "--validation", "1"), "--validation must be in [0, 1)");
    usageError(Run.of("train", "--threads", "0"), "--threads must be between 1 and 1024");
    usageError(Run.of("train", "--dataset", "cifar"),
        "expected one of digits, fashion-mnist, mnist, csv, got 'cifar'");
    usageError(Run.of("train", "--model", "vgg"),
        "expected one of mlp, cnn, lstm, gru, resnet, got 'vgg'");
    usageError(Run.of("train", "--optimizer", "lbfgs"), "expected one of adam, adamw, sgd");
    usageError(Run.of("predict", "--model", "m.safetensors"), "Missing required parameter");
  }

  @Test
  void missingDataSetSaysWhereItLookedAndHowToGetIt() {
    Path nowhere = dir.resolve("nowhere");
    oneLine(Run.of("train", "--dataset", "fashion-mnist", "--data", nowhere.toString()), 2,
        "fashion-mnist: " + nowhere, "apt-get install dataset-fashion-mnist", "--data DIR");
    oneLine(Run.of("train", "--dataset", "mnist"), 2, "mnist: say where the IDX files are");
    oneLine(Run.of("train", "--dataset", "fashion-mnist", "--data", dir.toString()), 2,
        dir + " has no train-images-idx3-ubyte[.gz]");
  }

  @Test
  void outputInADirectoryThatDoesNotExistFailsBeforeTraining() {
    Run run = Run.of("train", "--save", dir.resolve("no/such/dir/m.safetensors").toString());
    oneLine(run, 2, "--save", "does not exist");
    assertFalse(run.out().contains("epoch"), run::toString);
  }

  @Test
  void damagedModelFileIsOneLineNamingTheFile() throws IOException {
    Path good = dir.resolve("good.safetensors");
    assertEquals(0, Run.of("train", "--model", "mlp", "--epochs", "1", "--save", good.toString())
        .code());
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = Files.write(dir.resolve("truncated.safetensors"),
        Arrays.copyOf(bytes, bytes.length / 2));
    oneLine(Run.of("evaluate", "--model", truncated.toString()), 1, truncated.toString());
    oneLine(Run.of("predict", "--model", truncated.toString(), "x.png"), 1,
        truncated.toString());
    oneLine(Run.of("summary", "--model", truncated.toString()), 1, truncated.toString());
    Path text = Files.writeString(dir.resolve("notes.safetensors"), "hello");
    oneLine(Run.of("evaluate", "--model", text.toString()), 1, text.toString());
    oneLine(Run.of("evaluate", "--model", dir.resolve("absent.safetensors").toString()), 1,
        "absent.safetensors");
  }

  @Test
  void damagedDataFileIsOneLineNamingFileAndPlace() throws IOException {
    Path csv = Files.writeString(dir.resolve("ragged.csv"), "1,2,3,0\n4,5,6,1\n7,8,1\n");
    oneLine(Run.of("train", "--dataset", "csv", "--data", csv.toString(), "--model", "mlp"), 1,
        csv.toString(), "line 3", "the row has 3 columns, but the first has 4");
    Path idx = Files.createDirectories(dir.resolve("idx"));
    for (String name : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
      Files.write(idx.resolve(name), new byte[] {0, 0, 8, 3, 0, 0}); // cut inside the header
    }
    oneLine(Run.of("train", "--dataset", "mnist", "--data", idx.toString()), 1,
        "train-labels-idx1-ubyte");
  }

  @Test
  void verboseAddsTheStackTrace() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.safetensors"), "hello");
    Run run = Run.of("evaluate", "--verbose", "--model", text.toString());
    assertEquals(1, run.code(), run::toString);
    assertTrue(run.err().contains("\tat "), run::toString);
  }

  @Test
  void modelsThatNeedImagesSayHowToGiveThem() throws IOException {
    Path csv = Files.writeString(dir.resolve("flat.csv"), "1,2,3,0\n4,5,6,1\n7,8,9,1\n"
        + "1,2,3,0\n4,5,6,1\n");
    oneLine(Run.of("train", "--dataset", "csv", "--data", csv.toString(), "--model", "cnn"), 2,
        "--model cnn needs images", "--image-shape");
    oneLine(Run.of("train", "--dataset", "csv", "--data", csv.toString(), "--image-shape",
        "1x2x2"), 2, "--image-shape 1x2x2 has 4 values but the rows of");
  }
}
