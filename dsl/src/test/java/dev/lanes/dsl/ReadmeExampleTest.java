package dev.lanes.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.dsl.data.Dataset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example, kept compiling and true: build, fit, evaluate, save, load. */
class ReadmeExampleTest {
  @TempDir
  Path dir;

  @Test
  void buildFitEvaluateSaveLoad() throws Exception {
    Dataset train = Bars.of(512, 1);
    Dataset test = Bars.of(256, 2);

    // --- README example begins ---
    Model model = Sequential.input(1, 8, 8)
        .conv2d(8, 3).padding(1).batchNorm().relu().maxPool2d(2)
        .residual(r -> r.conv2d(8, 3).padding(1).relu())
        .flatten().dense(32).relu().dropout(0.2f)
        .dense(4)
        .build(42);
    System.out.println(model.summary());

    History history = model.fit(train, FitSettings.create()
        .epochs(5).batchSize(32).learningRate(3e-3f).validationFraction(0.1)
        .listener(new EarlyStopping("val_loss", 2, true)));
    Evaluation result = model.evaluate(test);
    System.out.printf("test accuracy %.3f, loss %.4f%n", result.accuracy(), result.loss());

    model.save(dir.resolve("bars.safetensors"));
    Model again = Model.load(dir.resolve("bars.safetensors"));
    // --- README example ends ---

    assertTrue(history.epochs().size() >= 2);
    assertTrue(result.accuracy() >= 0.95, "test accuracy " + result.accuracy());
    assertArrayEquals(model.predict(test.features()).toArray(),
        again.predict(test.features()).toArray());
  }
}
