package dev.lanes.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.Property;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of damaged versions of a valid file (truncations, byte flips, hostile length
 * prefixes, hostile edits of the JSON header, extra bytes) give either a
 * ModelFormatException naming the file, or, where the damage happens to leave a valid file
 * (a flipped data byte, say), a result that the writer writes back and the reader reads again
 * bit for bit. Never another exception, never an OutOfMemoryError (the harness reports any
 * Throwable with its seed).
 */
class SafetensorsFuzzTest {
  private static final String NAME = "fuzz.safetensors";
  private static final byte[] VALID = validFile();
  private static final int HEADER_END = 8 + (int) ByteBuffer.wrap(VALID)
      .order(ByteOrder.LITTLE_ENDIAN).getLong();
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  @TempDir
  Path dir;

  private static byte[] validFile() {
    Tensor w = Tensor.zeros(3, 4);
    for (int i = 0; i < w.size(); i++) {
      w.data()[i] = i * 0.25f - 1;
    }
    Tensor scalar = Tensor.zeros(Shape.of());
    scalar.data()[0] = Float.NaN;
    // a LinkedHashMap, not Map.of: Map.of's order changes from one JVM to the next, and the
    // file, hence every case, must be the same on every run for a seed to replay
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("lanes.architecture", "{\"layers\":[\"dense\"]}");
    metadata.put("note", "ünï ✓");
    try {
      return SafetensorsWriter.toBytes(List.of(SafetensorsWriter.Entry.of("0.weight", w),
          SafetensorsWriter.Entry.of("0.bias", Tensor.wrap(new float[] {1, -2, 3}, 3)),
          SafetensorsWriter.Entry.of("empty", Tensor.zeros(0, 2)),
          SafetensorsWriter.Entry.of("scalar", scalar)),
          metadata);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void damagedFilesFailWithModelFormatExceptionOrReadBackExactly() {
    Map<String, int[]> outcomes = new TreeMap<>();   // kind -> {valid, rejected}
    Map<String, Integer> problems = new TreeMap<>(); // problem, digits as #, -> count
    Property.named("damaged safetensors files fail cleanly").tries(5000).check(c -> {
      String kind = c.oneOf("kind", "truncate", "flip", "length", "edit", "edit", "append");
      byte[] bytes = damage(c, kind);
      int[] counts = outcomes.computeIfAbsent(kind, k -> new int[2]);
      try {
        Safetensors s = SafetensorsReader.read(bytes, NAME);
        assertWritesBack(s);
        counts[0]++;
      } catch (ModelFormatException e) {
        assertTrue(e.getMessage().startsWith(NAME + ": ") && !e.problem().isBlank(),
            e.getMessage());
        counts[1]++;
        problems.merge(category(e.problem()), 1, Integer::sum);
      }
    });
    StringBuilder sb = new StringBuilder("[fuzz] outcomes (valid / rejected) by damage:");
    outcomes.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %d/%d", k, v[0],
        v[1])));
    sb.append("\n[fuzz] ").append(problems.size()).append(" kinds of rejection:");
    problems.forEach((p, n) -> sb.append(String.format(Locale.ROOT, "%n  %5d  %s", n, p)));
    System.out.println(sb);
    int valid = outcomes.values().stream().mapToInt(v -> v[0]).sum();
    int rejected = outcomes.values().stream().mapToInt(v -> v[1]).sum();
    assertTrue(valid > 0 && rejected > 0, "the damage should sometimes keep the file valid");
    assertTrue(problems.size() >= 25, "the damage should reach many checks: " + problems.size());
  }

  @Test
  void readingFromAFileAgreesWithReadingFromMemory() {
    Property.named("file and memory readers agree on damaged files").tries(300).check(c -> {
      byte[] bytes = damage(c, c.oneOf("kind", "truncate", "flip", "length", "edit"));
      String fromMemory = outcome(() -> SafetensorsReader.read(bytes, NAME));
      Path file = dir.resolve(NAME);
      try {
        Files.write(file, bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String fromFile = outcome(() -> SafetensorsReader.read(file));
      assertEquals(fromMemory, fromFile.replace(file.toString(), NAME));
    });
  }

  @FunctionalInterface
  private interface Read {
    Safetensors run() throws IOException;
  }

  /** "ok" with the tensor names, or the problem; anything but a ModelFormatException throws. */
  private static String outcome(Read read) {
    try {
      return "ok " + read.run().tensors().keySet();
    } catch (ModelFormatException e) {
      return e.getMessage();
    } catch (IOException e) {
      throw new AssertionError("not a ModelFormatException: " + e, e);
    }
  }

  /** Whatever the reader accepted, the writer writes back and the reader reads bit for bit. */
  private static void assertWritesBack(Safetensors s) {
    List<SafetensorsWriter.Entry> entries = new ArrayList<>();
    s.tensors().forEach((n, t) -> entries.add(SafetensorsWriter.Entry.of(n, t)));
    try {
      Safetensors again = SafetensorsReader.read(SafetensorsWriter.toBytes(entries,
          s.metadata()), "again");
      assertEquals(List.copyOf(s.tensors().keySet()), List.copyOf(again.tensors().keySet()));
      assertEquals(s.metadata(), again.metadata());
      s.tensors().forEach((n, t) -> {
        Tensor u = again.tensor(n);
        assertEquals(t.shape(), u.shape(), n);
        for (int i = 0; i < t.size(); i++) {
          assertEquals(Float.floatToRawIntBits(t.data()[i]),
              Float.floatToRawIntBits(u.data()[i]), n + "[" + i + "]");
        }
      });
    } catch (IOException e) {
      throw new AssertionError("a file the reader accepted does not write back: " + e, e);
    }
  }

  /** The problem with numbers and quoted parts generalised, to count kinds of rejection. */
  private static String category(String problem) {
    String p = problem.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
    p = DIGITS.matcher(p).replaceAll("#");
    int colon = p.indexOf(": ", p.indexOf("JSON"));
    return p.startsWith("the header is not valid JSON") && colon > 0
        ? p.substring(0, Math.min(p.length(), colon + 40)) : p;
  }

  private static byte[] damage(Case c, String kind) {
    return switch (kind) {
      case "truncate" -> Arrays.copyOf(VALID, c.intIn("length", 0, VALID.length - 1));
      case "flip" -> flip(c);
      case "length" -> withLength(c);
      case "edit" -> edit(c);
      case "append" -> {
        byte[] extra = new byte[c.intIn("extra", 1, 16)];
        c.random().nextBytes(extra);
        byte[] out = Arrays.copyOf(VALID, VALID.length + extra.length);
        System.arraycopy(extra, 0, out, VALID.length, extra.length);
        yield out;
      }
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** One to four bytes XORed with a non-zero mask, half of the time inside the header. */
  private static byte[] flip(Case c) {
    byte[] out = VALID.clone();
    int flips = c.intIn("flips", 1, 4);
    for (int k = 0; k < flips; k++) {
      int at = c.bool("inHeader") ? c.intIn("at", 0, HEADER_END - 1)
          : c.intIn("at", 0, out.length - 1);
      out[at] ^= (byte) c.intIn("mask", 1, 255);
    }
    return out;
  }

  /** The same bytes after a hostile length prefix. */
  private static byte[] withLength(Case c) {
    long n = HEADER_END - 8;
    long value = c.oneOf("length", 0L, 1L, n - 1, n + 1, n + 8, n - 8, (long) VALID.length - 8,
        (long) VALID.length, 100_000_000L, 100_000_001L, (long) Integer.MAX_VALUE,
        Long.MAX_VALUE, -1L, Long.MIN_VALUE, c.random().nextLong(),
        (long) c.random().nextInt(VALID.length * 2));
    byte[] out = VALID.clone();
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
    return out;
  }

  private static final String[] NUMBERS = {"-1", "0", "1", "3", "4", "2.5", "1e3", "-0", "007",
      "99999999999999999999999", "18446744073709551615", "9223372036854775807",
      "2147483647", "2147483648", "4294967296", "65536", "", "null", "\"4\"", "1" + "0".repeat(80)};
  private static final String[] DTYPES = {"F16", "BF16", "F64", "I64", "U8", "BOOL", "F8_E4M3",
      "XX", "", "f32", "F32 "};
  private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "true",
      "\"x\":", "1", "\\u0000", "\\ud800", "\u0000", "é", "\"dtype\":\"F32\",", " ", "\n",
      "\"__metadata__\":{},", "\"__metadata__\":{\"k\":1},", "\"shape\":[],"};

  /** One to three edits of the header text; usually the length prefix is fixed to match. */
  private static byte[] edit(Case c) {
    byte[] data = Arrays.copyOfRange(VALID, HEADER_END, VALID.length);
    String header = new String(VALID, 8, HEADER_END - 8, StandardCharsets.UTF_8);
    byte[] raw = null;
    int edits = c.intIn("edits", 1, 3);
    for (int k = 0; k < edits; k++) {
      String op = c.oneOf("op", "number", "dtype", "nest", "delete", "insert", "duplicate",
          "offsets", "shape", "rawByte");
      int at = c.intIn("at", 0, header.length());
      switch (op) {
        case "number" -> header = replaceNth(header, DIGITS, c, c.oneOf("number", NUMBERS));
        case "dtype" -> header = header.replace("\"F32\"", "\"" + c.oneOf("dtype", DTYPES)
            + "\"");
        case "nest" -> {
          int depth = c.intIn("depth", 1, 3000);
          String open = c.bool("arrays") ? "[" : "{\"a\":";
          String close = open.equals("[") ? "]" : "}";
          header = header.substring(0, at) + open.repeat(depth) + close.repeat(depth)
              + header.substring(at);
        }
        case "delete" -> header = header.substring(0, at)
            + header.substring(Math.min(header.length(), at + c.intIn("count", 1, 12)));
        case "insert" -> header = header.substring(0, at) + c.oneOf("token", TOKENS)
            + header.substring(at);
        case "duplicate" -> header = "{" + c.oneOf("entry",
            "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[48,60]},",
            "\"copy\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[48,60]},",
            "\"e2\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[60,60]},",
            "\"big\":{\"dtype\":\"F32\",\"shape\":[536870911],\"data_offsets\":[64,2147483708]},",
            "\"__metadata__\":{\"k\":\"v\"},") + header.substring(1);
        case "offsets" -> header = replaceNth(header, Pattern.compile("\\[\\d+,\\d+\\]"), c,
            "[" + c.intIn("begin", 0, 80) + "," + c.intIn("end", 0, 80) + "]");
        case "shape" -> header = replaceNth(header,
            Pattern.compile("\"shape\":\\[[^\\]]*\\]"), c, "\"shape\":" + randomShape(c));
        case "rawByte" -> raw = insertByte(header, at, (byte) (int) c.oneOf("byte", 0x80, 0xC0,
            0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, 0x00, 0x7F));
        default -> throw new IllegalArgumentException(op);
      }
    }
    byte[] headerBytes = raw != null ? raw : header.getBytes(StandardCharsets.UTF_8);
    long length = c.intIn("fixLength", 0, 4) > 0 ? headerBytes.length : HEADER_END - 8;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length)
        .array());
    out.writeBytes(headerBytes);
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static String randomShape(Case c) {
    int rank = c.intIn("rank", 0, 5);
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < rank; i++) {
      sb.append(i > 0 ? "," : "").append((int) c.oneOf("dim", 0, 1, 2, 3, 4, 12, 65536,
          Integer.MAX_VALUE, c.intIn("any", 0, 100)));
    }
    return sb.append(']').toString();
  }

  private static byte[] insertByte(String header, int at, byte b) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    int pos = Math.min(at, h.length);
    byte[] out = new byte[h.length + 1];
    System.arraycopy(h, 0, out, 0, pos);
    out[pos] = b;
    System.arraycopy(h, pos, out, pos + 1, h.length - pos);
    return out;
  }

  /** Replaces a randomly chosen match of {@code p} with {@code replacement}. */
  private static String replaceNth(String s, Pattern p, Case c, String replacement) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = p.matcher(s);
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) {
      return s;
    }
    int[] span = spans.get(c.intIn("match", 0, spans.size() - 1));
    return s.substring(0, span[0]) + replacement + s.substring(span[1]);
  }

  @Test
  void theValidFileIsValid() throws IOException {
    Safetensors s = SafetensorsReader.read(VALID, NAME);
    assertEquals(4, s.tensors().size());
    assertFalse(s.metadata().isEmpty());
  }
}
