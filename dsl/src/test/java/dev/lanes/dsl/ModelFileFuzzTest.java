package dev.lanes.dsl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Tensor;
import dev.lanes.core.prop.Property;
import dev.lanes.dsl.io.ModelFormatException;
import dev.lanes.dsl.io.SafetensorsReader;
import dev.lanes.dsl.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and hostile model files give a {@link ModelFormatException} (or, when the damage
 * happens to keep the file valid, a model), never another exception and never a huge
 * allocation: truncations, byte flips anywhere, and architectures edited to ask for enormous
 * layers that the file's tensors do not hold.
 */
class ModelFileFuzzTest {
  @TempDir
  Path dir;

  private static void loadOrRefuse(Path file) throws IOException {
    try {
      Model.load(file);
    } catch (ModelFormatException expected) {
      assertTrue(expected.getMessage().startsWith(file.toString()), expected.getMessage());
    }
  }

  @Test
  void truncationsAndByteFlipsAreRefusedCleanly() throws Exception {
    Path good = dir.resolve("good.safetensors");
    Sequential.input(1, 6, 6).conv2d(2, 3).padding(1).batchNorm().relu().maxPool2d(2)
        .flatten().dense(5).build(1).save(good);
    byte[] bytes = Files.readAllBytes(good);
    Path bad = dir.resolve("bad.safetensors");
    Property.named("a damaged model file is refused cleanly").tries(1500).check(c -> {
      byte[] b;
      if (c.bool("truncate")) {
        b = java.util.Arrays.copyOf(bytes, c.intIn("length", 0, bytes.length - 1));
      } else {
        b = bytes.clone();
        int flips = c.intIn("flips", 1, 4);
        for (int i = 0; i < flips; i++) {
          // most flips land in the header, where the architecture is
          int at = c.random().nextInt(4) > 0 ? c.random().nextInt(Math.min(b.length, 700))
              : c.random().nextInt(b.length);
          b[at] ^= (byte) (1 << c.random().nextInt(8));
        }
      }
      try {
        Files.write(bad, b);
        loadOrRefuse(bad);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void architecturesAskingForHugeLayersAreRefusedBeforeAllocating() throws Exception {
    Path good = dir.resolve("good.safetensors");
    Sequential.input(8).dense(4).relu().dense(3).build(1).save(good);
    Map<String, Tensor> tensors = new LinkedHashMap<>(SafetensorsReader.read(good).tensors());
    Map<String, String> meta = SafetensorsReader.read(good).metadata();
    String layers = meta.get("lanes.layers");
    Path bad = dir.resolve("huge.safetensors");
    for (String edit : new String[] {"\"units\":400000000", "\"units\":2147483647",
        "\"units\":-5", "\"units\":1e9", "\"units\":\"4\""}) {
      Map<String, String> m = new LinkedHashMap<>(meta);
      m.put("lanes.layers", layers.replaceFirst("\"units\":4", edit));
      SafetensorsWriter.write(bad, new LinkedHashMap<>(tensors), m);
      ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(
          ModelFormatException.class, () -> Model.load(bad), edit);
      assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    }
    Map<String, String> m = new LinkedHashMap<>(meta);
    m.put("lanes.input", "[1000000, 1000000]");
    SafetensorsWriter.write(bad, new LinkedHashMap<>(tensors), m);
    org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> Model.load(bad));
  }
}
