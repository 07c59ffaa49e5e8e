package dev.lanes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The accuracies the README promises on Fashion-MNIST after 5 epochs with the default batch
 * size and seed. About 4 minutes on 2 cores, so tagged "learning": run with
 * {@code mvn -B -Plearning -pl cli -am test} after {@code apt-get install dataset-fashion-mnist}.
 * Training is deterministic for a given thread count, so these are exact repeats, not samples.
 */
@Tag("learning")
class FashionMnistLearningTest {
  @ParameterizedTest(name = "{0} reaches {1}")
  @CsvSource({"mlp, 0.885", "cnn, 0.915", "lstm, 0.87", "gru, 0.87"})
  void fiveEpochsReachTheDocumentedAccuracy(String model, double target,
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    assumeTrue(Files.isDirectory(DataSets.FASHION_MNIST_DIR),
        "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    Path report = dir.resolve(model + ".json");
    Run run = Run.of("train", "--dataset", "fashion-mnist", "--model", model, "--epochs", "5",
        "--report", report.toString());
    assertEquals(0, run.code(), run::toString);
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    double accuracy = json.get("test_accuracy").asDouble();
    System.out.printf("%s: test accuracy %.4f, %.0f samples/s%n", model, accuracy,
        json.get("samples_per_second").asDouble());
    assertTrue(accuracy >= target, model + ": " + accuracy + " < " + target + "\n" + run.out());
  }
}
