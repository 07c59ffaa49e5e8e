package dev.lanes.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing then reading gives back every bit, every name in order, and the metadata. */
class SafetensorsRoundTripTest {
  @TempDir
  Path dir;

  private static Tensor random(SplittableRandom r, int... dims) {
    Tensor t = Tensor.zeros(dims);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) r.nextGaussian();
    }
    return t;
  }

  private static void assertBitwiseEqual(SequencedMap<String, Tensor> expected,
      SequencedMap<String, Tensor> actual) {
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "names, in order");
    expected.forEach((name, e) -> {
      Tensor a = actual.get(name);
      assertEquals(e.shape(), a.shape(), name + " shape");
      for (int i = 0; i < e.size(); i++) {
        int eb = Float.floatToRawIntBits(e.data()[e.offset() + i]);
        int ab = Float.floatToRawIntBits(a.data()[a.offset() + i]);
        assertEquals(eb, ab, name + "[" + i + "] bits");
      }
    });
  }

  @Test
  void everyBitNameAndMetadataEntryComesBack() throws IOException {
    SplittableRandom r = new SplittableRandom(7);
    SequencedMap<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("0.weight", random(r, 16, 8));
    tensors.put("0.bias", random(r, 16));
    tensors.put("empty", Tensor.zeros(0, 5));
    tensors.put("also.empty", Tensor.zeros(3, 0, 2));
    Tensor scalar = Tensor.zeros(Shape.of());
    scalar.data()[0] = 42.5f;
    tensors.put("scalar", scalar);
    tensors.put("specials", Tensor.wrap(new float[] {Float.NaN, Float.intBitsToFloat(0x7fc01234),
        Float.intBitsToFloat(0xffc00001), -0f, 0f, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE, 1e-40f}, 10));
    tensors.put("names/ünïcödé 名前 🎉", random(r, 2, 3));
    Tensor big = random(r, 10, 7);
    tensors.put("view", big.slice(3, 6)); // offset 21 into its array: written from there
    tensors.put("large", random(r, 40_000)); // more than one write chunk
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt");
    metadata.put("lanes.architecture", "{\"layers\":[{\"dense\":{\"units\":10}}]}");
    metadata.put("ключ", "值 🎉 \"quoted\" \\ back\nslash");
    metadata.put("", "");

    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors, metadata);
    Safetensors back = SafetensorsReader.read(file);

    assertBitwiseEqual(tensors, back.tensors());
    assertEquals(metadata, back.metadata());
    assertEquals(List.copyOf(metadata.keySet()), List.copyOf(back.metadata().keySet()));
  }

  @Test
  void theLayoutIsTheFormatsWithTheDataAlignedTo8Bytes() throws IOException {
    SequencedMap<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("b", Tensor.wrap(new float[] {1, 2, 3}, 3));
    tensors.put("a", Tensor.wrap(new float[] {4}, 1));
    Path file = dir.resolve("x.safetensors");
    SafetensorsWriter.write(file, tensors, Map.of("k", "v"));
    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + n) % 8, "data starts at a multiple of 8");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertEquals("{\"__metadata__\":{\"k\":\"v\"},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", header.strip());
    assertEquals(8 + n + 16, bytes.length);
    // the data: 1, 2, 3, 4 as little-endian float32
    ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n), 16).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1f, data.getFloat());
    assertEquals(2f, data.getFloat());
    assertEquals(3f, data.getFloat());
    assertEquals(4f, data.getFloat());
  }

  @Test
  void anEmptyFileRoundTrips() throws IOException {
    Path file = dir.resolve("empty.safetensors");
    SafetensorsWriter.write(file, new LinkedHashMap<>(), Map.of());
    Safetensors back = SafetensorsReader.read(file);
    assertTrue(back.tensors().isEmpty());
    assertTrue(back.metadata().isEmpty());
    assertEquals(16, Files.size(file), "8 bytes of length, '{}' padded to 8");
  }

  @Test
  void writingAgainReplacesTheFile() throws IOException {
    Path file = dir.resolve("m.safetensors");
    SequencedMap<String, Tensor> first = new LinkedHashMap<>();
    first.put("w", Tensor.wrap(new float[] {1, 2}, 2));
    SafetensorsWriter.write(file, first, Map.of("v", "1"));
    SequencedMap<String, Tensor> second = new LinkedHashMap<>();
    second.put("w", Tensor.wrap(new float[] {3, 4, 5}, 3));
    SafetensorsWriter.write(file, second, Map.of("v", "2"));
    Safetensors back = SafetensorsReader.read(file);
    assertBitwiseEqual(second, back.tensors());
    assertEquals(Map.of("v", "2"), back.metadata());
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(file), listing.toList(), "no temporary file is left");
    }
  }

  @Test
  void theFileGetsTheDirectorysUsualPermissionsNotATempFilesOwnerOnlyOnes()
      throws IOException {
    if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) == null) {
      return; // not a POSIX file system: nothing to compare
    }
    Path usual = Files.writeString(dir.resolve("usual.txt"), "x");
    Path file = dir.resolve("m.safetensors");
    SafetensorsWriter.write(file, new LinkedHashMap<>(), Map.of());
    assertEquals(Files.getPosixFilePermissions(usual), Files.getPosixFilePermissions(file));
  }

  @Test
  void floatTypesOtherThanF32AreWidenedToFloat() throws IOException {
    // F16: 1, -2, 65504 (largest), +Inf, a subnormal (2^-24); BF16: 1, -0.5, 3.140625;
    // F64: 0.1 and 1e300 (rounds to +Inf in float)
    String header = "{" + Craft.entry("h", "F16", "[5]", 0, 10) + ","
        + Craft.entry("b", "BF16", "[3]", 10, 16) + ","
        + Craft.entry("d", "F64", "[2]", 16, 32) + "}";
    byte[] data = new byte[32];
    System.arraycopy(Craft.shorts(0x3C00, 0xC000, 0x7BFF, 0x7C00, 0x0001), 0, data, 0, 10);
    System.arraycopy(Craft.shorts(0x3F80, 0xBF00, 0x4049), 0, data, 10, 6);
    System.arraycopy(Craft.doubles(0.1, 1e300), 0, data, 16, 16);
    Safetensors s = SafetensorsReader.read(
        Craft.file(header.getBytes(StandardCharsets.UTF_8), data), "mixed.safetensors");
    assertArrayEquals(new float[] {1f, -2f, 65504f, Float.POSITIVE_INFINITY, 0x1p-24f},
        s.tensor("h").toArray());
    assertArrayEquals(new float[] {1f, -0.5f, 3.140625f}, s.tensor("b").toArray());
    assertArrayEquals(new float[] {0.1f, Float.POSITIVE_INFINITY}, s.tensor("d").toArray());
  }

  @Test
  void tensorsComeBackInTheOrderOfTheirBytesNotOfTheHeader() throws IOException {
    String header = "{" + Craft.entry("second", "F32", "[1]", 4, 8) + ","
        + Craft.entry("first", "F32", "[1]", 0, 4) + "}";
    Safetensors s = SafetensorsReader.read(Craft.file(header.getBytes(StandardCharsets.UTF_8),
        Craft.floats(1f, 2f)), "order");
    assertEquals(List.of("first", "second"), List.copyOf(s.tensors().keySet()));
    assertEquals(2f, s.tensor("second").data()[0]);
  }

  @Test
  void theWriterRefusesNamesThatCannotRoundTrip() {
    Path file = dir.resolve("bad.safetensors");
    Tensor t = Tensor.zeros(1);
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () ->
        SafetensorsWriter.write(file, List.of(SafetensorsWriter.Entry.of("w", t),
            SafetensorsWriter.Entry.of("w", t)), Map.of()));
    assertTrue(dup.getMessage().contains("tensor name 'w' is used twice"), dup.getMessage());
    IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class, () ->
        SafetensorsWriter.write(file, List.of(SafetensorsWriter.Entry.of("__metadata__", t)),
            Map.of()));
    assertTrue(reserved.getMessage().contains("reserved for the metadata"),
        reserved.getMessage());
    assertTrue(Files.notExists(file));
  }
}
