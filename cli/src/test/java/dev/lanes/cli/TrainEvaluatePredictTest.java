package dev.lanes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanes.dsl.data.Dataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands run in this JVM on the built-in digits: train writes a model, curves and a
 * report; evaluate and predict read the model back and agree with what train measured.
 */
class TrainEvaluatePredictTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static Path model;
  static Run train;
  static JsonNode report;

  @BeforeAll
  static void trainOnce() throws IOException {
    System.setProperty("java.awt.headless", "true");
    model = dir.resolve("digits.safetensors");
    train = Run.of("train", "--epochs", "4", "--batch", "32", "--seed", "7",
        "--save", model.toString(), "--plot", dir.resolve("curves.png").toString(),
        "--report", dir.resolve("train.json").toString());
    assertEquals(0, train.code(), train::toString);
    report = JSON.readTree(dir.resolve("train.json").toFile());
  }

  @Test
  void trainPrintsEpochsTestAccuracyAndWhereFilesWent() {
    String out = train.out();
    assertTrue(out.contains("Training cnn"), out);
    assertTrue(out.contains("epoch 1/4  loss "), out);
    assertTrue(out.contains("epoch 4/4  loss "), out);
    assertTrue(out.contains("val_acc"), out);
    assertTrue(out.matches(
        "(?s).*test accuracy 0\\.\\d{4}, loss \\d+\\.\\d{4} \\(359 samples\\).*"), out);
    assertTrue(out.contains("model saved to " + model), out);
    assertTrue(out.contains("learning curves written to "), out);
    assertTrue(out.contains("samples/s"), out);
    assertFalse(out.contains("Exception"), out);
  }

  @Test
  void reportHasEveryFieldWithSaneValues() {
    for (String field : new String[] {"command", "dataset", "model", "epochs", "batch_size",
        "threads", "seed", "train_samples", "test_samples", "test_accuracy", "test_loss",
        "train_seconds", "samples_per_second", "history"}) {
      assertTrue(report.has(field), "report lacks " + field + ": " + report);
    }
    assertEquals("train", report.get("command").asText());
    assertEquals("digits", report.get("dataset").asText());
    assertEquals("cnn", report.get("model").asText());
    assertEquals(4, report.get("epochs").asInt());
    assertEquals(32, report.get("batch_size").asInt());
    assertEquals(7, report.get("seed").asLong());
    assertEquals(1294, report.get("train_samples").asInt()); // 1,438 less 10% validation
    assertEquals(144, report.get("validation_samples").asInt());
    assertEquals(359, report.get("test_samples").asInt());
    double accuracy = report.get("test_accuracy").asDouble();
    assertTrue(accuracy > 0.5 && accuracy <= 1, "4 epochs on digits learn something: " + accuracy);
    assertTrue(report.get("samples_per_second").asDouble() > 0);
    JsonNode history = report.get("history");
    assertEquals(4, history.size());
    for (JsonNode epoch : history) {
      assertTrue(epoch.get("loss").isNumber() && epoch.get("val_loss").isNumber(), epoch::toString);
    }
    assertTrue(history.get(3).get("loss").asDouble() < history.get(0).get("loss").asDouble(),
        "training lowers the loss: " + history);
    assertEquals(10, report.get("per_class").size());
  }

  @Test
  void learningCurvesAreAReadablePng() throws IOException {
    BufferedImage png = ImageIO.read(dir.resolve("curves.png").toFile());
    assertNotNull(png);
    assertEquals(1280, png.getWidth());
    assertTrue(png.getHeight() > 400);
  }

  @Test
  void evaluateOfTheSavedModelGivesTrainsTestAccuracy() throws IOException {
    Path json = dir.resolve("evaluate.json");
    Path heat = dir.resolve("confusion.png");
    Run run = Run.of("evaluate", "--model", model.toString(), "--report", json.toString(),
        "--confusion", heat.toString());
    assertEquals(0, run.code(), run::toString);
    assertTrue(run.out().contains("on digits's test set: 359 samples"), run.out());
    assertTrue(run.out().contains("precision  recall"), run.out());
    JsonNode evaluation = JSON.readTree(json.toFile());
    assertEquals(report.get("test_accuracy").asDouble(),
        evaluation.get("test_accuracy").asDouble());
    assertEquals(report.get("test_loss").asDouble(), evaluation.get("test_loss").asDouble());
    assertEquals(10, evaluation.get("confusion").size());
    assertNotNull(ImageIO.read(heat.toFile()));
  }

  @Test
  void predictOnTheTestRowsGivesTheSameAccuracy() throws IOException {
    Dataset test = DataSets.digits().test();
    Path csv = writeRows(test, test.size());
    Run run = Run.of("predict", "--model", model.toString(), "--limit", "1000", csv.toString());
    assertEquals(0, run.code(), run::toString);
    Pattern line = Pattern.compile(
        "#\\d+: (\\d) [01]\\.\\d{3}  \\d [01]\\.\\d{3}  \\d [01]\\.\\d{3}  \\(label (\\d)\\)");
    int rows = 0;
    int correct = 0;
    for (String l : run.out().split("\n")) {
      Matcher m = line.matcher(l);
      if (m.find()) {
        rows++;
        correct += m.group(1).equals(m.group(2)) ? 1 : 0;
      }
    }
    assertEquals(359, rows, run.out());
    assertEquals(report.get("test_accuracy").asDouble(), correct / 359.0, 1e-12);
  }

  @Test
  void predictReadsIdxImagesWithTheLabelsFileBeside() throws IOException {
    Dataset test = DataSets.digits().test();
    int n = 5;
    java.nio.ByteBuffer images = java.nio.ByteBuffer.allocate(16 + n * 64)
        .putInt(0x803).putInt(n).putInt(8).putInt(8);
    java.nio.ByteBuffer labels = java.nio.ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
    float[] x = test.features().data();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 64; j++) {
        images.put((byte) Math.round(x[test.features().offset() + i * 64 + j] * 16));
      }
      labels.put((byte) test.label(i));
    }
    Path idx = Files.write(dir.resolve("t10k-images-idx3-ubyte"), images.array());
    Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels.array());
    Run fromIdx = Run.of("predict", "--model", model.toString(), idx.toString());
    Run fromCsv = Run.of("predict", "--model", model.toString(), "--limit", "5",
        writeRows(test, n).toString());
    assertEquals(0, fromIdx.code(), fromIdx::toString);
    String[] a = fromIdx.out().split("\n");
    String[] b = fromCsv.out().split("\n");
    assertEquals(n, a.length, fromIdx.out());
    for (int i = 0; i < n; i++) {
      assertTrue(a[i].contains("(label " + test.label(i) + ")"), a[i]);
      assertEquals(b[i].substring(b[i].indexOf(": ")), a[i].substring(a[i].indexOf(": ")));
    }
  }

  @Test
  void predictReadsPicturesScaledAndInverted() throws IOException {
    // test image 0 drawn as dark ink on white paper at 64x64: predict must undo all of it
    Dataset test = DataSets.digits().test();
    float[] x = test.features().data();
    int off = test.features().offset();
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int xx = 0; xx < 64; xx++) {
        int gray = Math.round(255 * (1 - x[off + (y / 8) * 8 + xx / 8]));
        image.setRGB(xx, y, gray << 16 | gray << 8 | gray);
      }
    }
    Path png = dir.resolve("digit.png");
    ImageIO.write(image, "png", png.toFile());
    Run picture = Run.of("predict", "--model", model.toString(), png.toString());
    Run row = Run.of("predict", "--model", model.toString(), "--limit", "1",
        writeRow(test, 0).toString());
    assertEquals(0, picture.code(), picture::toString);
    // pixels went through 8-bit gray, so probabilities may differ in the last digit: compare
    // the ranking
    assertEquals(classes(row.out()), classes(picture.out()),
        "the picture and its CSV row predict alike:\n" + picture.out() + row.out());
  }

  /** The classes of a prediction line, best first: "x.png: 3 0.912  8 0.050  5 0.010" → 385. */
  private static String classes(String out) {
    Matcher m = Pattern.compile(": (\\d) \\S+  (\\d) \\S+  (\\d) \\S+").matcher(out);
    assertTrue(m.find(), out);
    return m.group(1) + m.group(2) + m.group(3);
  }

  private static Path writeRow(Dataset test, int i) throws IOException {
    return Files.writeString(dir.resolve("row" + i + ".csv"), row(test, i));
  }

  /** The first n test images as CSV rows, the label last. */
  private static Path writeRows(Dataset test, int n) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(row(test, i));
    }
    return Files.writeString(dir.resolve("rows" + n + ".csv"), sb);
  }

  private static String row(Dataset test, int i) {
    float[] x = test.features().data();
    List<String> cells = new ArrayList<>();
    for (int j = 0; j < 64; j++) {
      int pixel = Math.round(x[test.features().offset() + i * 64 + j] * 16);
      cells.add(String.format(Locale.ROOT, "%d", pixel));
    }
    cells.add(String.valueOf(test.label(i)));
    return String.join(",", cells) + "\n";
  }

  @Test
  void summaryOfTheFileAndOfTheZooModelAgree() {
    Run file = Run.of("summary", "--model", model.toString());
    Run zoo = Run.of("summary", "--model", "cnn");
    assertEquals(0, file.code(), file::toString);
    assertEquals(0, zoo.code(), zoo::toString);
    String table = file.out().substring(file.out().indexOf("Layer (type)"));
    assertEquals(table, zoo.out().substring(zoo.out().indexOf("Layer (type)")));
    assertTrue(table.contains("Trainable params: 22,650"), table);
  }
}
