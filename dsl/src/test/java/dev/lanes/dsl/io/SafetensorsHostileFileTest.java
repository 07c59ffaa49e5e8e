package dev.lanes.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made damaged and hostile files: each fails with a ModelFormatException whose message
 * names the file and says what is wrong, before anything large is allocated.
 */
class SafetensorsHostileFileTest {
  private static final String NAME = "evil.safetensors";

  @TempDir
  Path dir;

  /** Reads the bytes both from memory and from a file; both must fail alike. */
  private ModelFormatException rejected(byte[] bytes, String... fragments) throws IOException {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> SafetensorsReader.read(bytes, NAME));
    String msg = e.getMessage();
    assertTrue(msg.startsWith(NAME + ": "), msg);
    assertEquals(NAME, e.file());
    for (String f : fragments) {
      assertTrue(msg.contains(f), "expected '" + f + "' in: " + msg);
    }
    Path file = Files.write(dir.resolve(NAME), bytes);
    ModelFormatException fromFile = assertThrows(ModelFormatException.class,
        () -> SafetensorsReader.read(file));
    assertEquals(e.problem(), fromFile.problem());
    return e;
  }

  private ModelFormatException rejected(String header, int dataBytes, String... fragments)
      throws IOException {
    return rejected(Craft.file(header, dataBytes), fragments);
  }

  private static String one(String dtype, String shape, String offsets) {
    return "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":"
        + offsets + "}}";
  }

  @Test
  void tooShortForTheLength() throws IOException {
    rejected(new byte[0], "the file has 0 bytes, fewer than the 8");
    rejected(new byte[7], "the file has 7 bytes");
  }

  @Test
  void hugeHeaderLengths() throws IOException {
    byte[] empty = new byte[0];
    rejected(Craft.file(-1L, empty, empty), "header length 18446744073709551615 is over the"
        + " limit of 100000000");
    rejected(Craft.file(Long.MAX_VALUE, empty, empty), "over the limit");
    rejected(Craft.file(100_000_001L, empty, empty), "header length 100000001 is over");
  }

  @Test
  void headerLongerThanTheFile() throws IOException {
    byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
    rejected(Craft.file(100_000_000L, header, new byte[0]), "header length 100000000 runs past"
        + " the end of the file (10 bytes)");
    rejected(Craft.file(3, header, new byte[0]), "runs past the end");
  }

  @Test
  void invalidUtf8() throws IOException {
    byte[] ok = one("F32", "[1]", "[0,4]").getBytes(StandardCharsets.UTF_8);
    byte[] bad = ok.clone();
    bad[3] = (byte) 0xFF; // inside the name
    rejected(Craft.file(bad, new byte[4]), "not valid UTF-8 (at header byte 3)");
    byte[] overlong = ok.clone();
    overlong[3] = (byte) 0xC0; // C0 80: an overlong NUL
    overlong[4] = (byte) 0x80;
    rejected(Craft.file(overlong, new byte[4]), "not valid UTF-8 (at header byte 3)");
    byte[] surrogate = "{\"\u0000\u0000\u0000\":1}".getBytes(StandardCharsets.UTF_8);
    surrogate[2] = (byte) 0xED; // ED A0 80: U+D800, a lone surrogate
    surrogate[3] = (byte) 0xA0;
    surrogate[4] = (byte) 0x80;
    rejected(Craft.file(surrogate, new byte[0]), "not valid UTF-8 (at header byte 2)");
    byte[] cut = "{\"\u00e9\":1}".getBytes(StandardCharsets.UTF_8);
    rejected(Craft.file(java.util.Arrays.copyOf(cut, 3), new byte[0]),
        "not valid UTF-8 (at header byte 2)");
  }

  @Test
  void notAJsonObject() throws IOException {
    rejected("[]", 0, "the header does not start with '{'");
    rejected(" {}", 0, "does not start with '{'");
    rejected("", 0, "does not start with '{'");
    rejected("{\"w\": ", 0, "the header is not valid JSON (at header byte");
    rejected("{\"w\":{\"dtype\":\"F32\",}}", 0, "not valid JSON");
    rejected("{} {}", 0, "there is more after the header's JSON object");
    rejected("{}}", 0, "not valid JSON");
    rejected("{'w': 1}", 0, "not valid JSON");
    rejected("{\"w\": 5}", 0, "tensor 'w': expected an object with dtype, shape and"
        + " data_offsets, got the number 5");
  }

  @Test
  void deeplyNestedJson() throws IOException {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"x\":" + deep
        + "}}", 4, "not valid JSON", "nesting depth");
    rejected("{\"__metadata__\":" + deep + "}", 0, "__metadata__ must be an object of strings,"
        + " got an array");
  }

  @Test
  void duplicateKeys() throws IOException {
    rejected("{" + Craft.entry("w", "F32", "[1]", 0, 4) + ","
        + Craft.entry("w", "F32", "[1]", 4, 8) + "}", 8, "Duplicate field 'w'");
    rejected("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        4, "Duplicate field 'dtype'");
    rejected("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0, "Duplicate field 'a'");
  }

  @Test
  void wrongDtypes() throws IOException {
    rejected(one("I64", "[1]", "[0,8]"), 8, "tensor 'w': dtype I64 is not supported; Lanes"
        + " reads F32, F16, BF16 and F64");
    rejected(one("F8_E4M3", "[1]", "[0,1]"), 1, "dtype F8_E4M3 is not supported");
    rejected(one("float32", "[1]", "[0,4]"), 4, "tensor 'w': unknown dtype 'float32'");
    rejected("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
        "dtype must be a string, got the number 32");
  }

  @Test
  void shapeAndOffsetsDisagree() throws IOException {
    rejected(one("F32", "[2,3]", "[0,20]"), 20, "tensor 'w': data_offsets [0, 20] hold 20 bytes"
        + " but shape (2, 3) of F32 needs 24");
    rejected(one("F16", "[4]", "[0,16]"), 16, "hold 16 bytes but shape (4) of F16 needs 8");
    rejected(one("F32", "[]", "[0,0]"), 0, "shape () of F32 needs 4");
  }

  @Test
  void overlappingGappedAndBackwardOffsets() throws IOException {
    rejected("{" + Craft.entry("a", "F32", "[2]", 0, 8) + ","
        + Craft.entry("b", "F32", "[2]", 4, 12) + "}", 12,
        "tensor 'b': data_offsets [4, 12] overlap tensor 'a', which ends at 8");
    rejected("{" + Craft.entry("a", "F32", "[2]", 0, 8) + ","
        + Craft.entry("b", "F32", "[2]", 12, 20) + "}", 20,
        "tensor 'b': data_offsets [12, 20] leave a gap of 4 bytes after tensor 'a'");
    rejected(one("F32", "[1]", "[4,8]"), 8, "leave a gap of 4 bytes after the start of the data");
    rejected(one("F32", "[1]", "[8,4]"), 8, "data_offsets [8, 4] end before they begin");
    rejected("{" + Craft.entry("a", "F32", "[2]", 0, 8) + ","
        + Craft.entry("b", "F32", "[2]", 0, 8) + "}", 16, "overlap tensor 'a'");
  }

  @Test
  void theLastTensorMustEndWhereTheFileDoes() throws IOException {
    rejected(one("F32", "[1]", "[0,4]"), 8, "the tensors' data ends at byte 4 (counted from the"
        + " end of the header) but the file has 8 bytes of data");
    rejected(one("F32", "[2]", "[0,8]"), 4, "the tensors' data ends at byte 8", "has 4 bytes");
    rejected("{}", 1, "ends at byte 0", "has 1 bytes of data");
  }

  @Test
  void negativeAndNonIntegerNumbers() throws IOException {
    rejected(one("F32", "[-1]", "[0,4]"), 4, "tensor 'w': shape holds -1, which is negative");
    rejected(one("F32", "[1]", "[-4,0]"), 4, "data_offsets holds -4, which is negative");
    rejected(one("F32", "[2.5]", "[0,4]"), 4, "shape must hold non-negative integers, got the"
        + " number 2.5");
    rejected(one("F32", "[1e0]", "[0,4]"), 4, "got the number 1e0");
    rejected(one("F32", "[\"1\"]", "[0,4]"), 4, "got the string \"1\"");
    rejected(one("F32", "[1]", "[0,4.0]"), 4, "data_offsets must hold non-negative integers");
    rejected(one("F32", "1", "[0,4]"), 4, "shape must be an array of non-negative integers,"
        + " got the number 1");
    rejected(one("F32", "[1]", "[0]"), 4, "data_offsets must be [begin, end], got 1 numbers");
    rejected(one("F32", "[null]", "[0,4]"), 4, "got null");
  }

  @Test
  void numbersTooLargeForAnyTensor() throws IOException {
    rejected(one("F32", "[99999999999999999999999]", "[0,4]"), 4,
        "shape holds 99999999999999999999999, which is too large");
    rejected(one("F32", "[1]", "[0,18446744073709551616]"), 4, "which is too large");
    rejected(one("F32", "[4294967296]", "[0,4]"), 4, "has more than 2147483647 elements");
    rejected(one("F32", "[65536,65536]", "[0,17179869184]"), 4,
        "has more than 2147483647 elements");
    rejected(one("F32", "[1" + "0".repeat(100) + "]", "[0,4]"), 4, "not valid JSON",
        "Number value length");
  }

  @Test
  void aLargeClaimedTensorIsRefusedBeforeItIsAllocated() throws IOException {
    // 2^31 - 1 floats would be 8 GiB: the offsets match the shape, but not the 4-byte file
    long bytes = 4L * Integer.MAX_VALUE;
    rejected(one("F32", "[" + Integer.MAX_VALUE + "]", "[0," + bytes + "]"), 4,
        "data ends at byte " + bytes, "the file has 4 bytes of data");
    rejected(one("F64", "[268435456]", "[0,2147483648]"), 16, "data ends at byte 2147483648");
  }

  @Test
  void badFieldsAndMetadata() throws IOException {
    rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "tensor 'w': missing data_offsets");
    rejected("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'w': missing dtype");
    rejected("{\"__metadata__\":{\"k\":1}}", 0, "__metadata__ 'k': values must be strings, got"
        + " the number 1");
    rejected("{\"__metadata__\":{\"k\":{\"nested\":\"x\"}}}", 0, "values must be strings, got"
        + " an object");
    rejected("{\"__metadata__\":\"text\"}", 0, "__metadata__ must be an object of strings, got"
        + " the string \"text\"");
  }

  @Test
  void whatTheReferenceAcceptsIsAccepted() throws IOException {
    // unknown fields ignored, null metadata, trailing spaces, empty tensors sharing an offset
    String header = "{\"__metadata__\":null,"
        + "\"e1\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"extra\":{\"a\":[1]}},"
        + "\"w\":{\"data_offsets\":[0,4],\"shape\":[1],\"dtype\":\"F32\"},"
        + "\"e2\":{\"dtype\":\"F16\",\"shape\":[3,0],\"data_offsets\":[0,0]}}    ";
    Safetensors s = SafetensorsReader.read(Craft.file(header, 4), NAME);
    assertEquals(java.util.List.of("e1", "e2", "w"), java.util.List.copyOf(s.tensors().keySet()),
        "byte order, ties in header order");
    assertTrue(s.metadata().isEmpty());
  }

  @Test
  void aMissingFileIsAnIoErrorNotAFormatError() {
    IOException e = assertThrows(IOException.class,
        () -> SafetensorsReader.read(dir.resolve("absent.safetensors")));
    assertTrue(!(e instanceof ModelFormatException), e.toString());
  }
}
