package dev.lanes.dsl.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes named float32 tensors and a string metadata map as one safetensors file
 * (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length, a JSON
 * header {@code {"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...],
 * "data_offsets": [begin, end]}, ...}}, then the tensors' bytes, row-major and little-endian,
 * one after another in the order given. The header is padded with spaces so that the data
 * starts at a multiple of 8 bytes, as the reference writer does.
 *
 * <p>Writes are atomic: the bytes go to a temporary file in the target's directory, are forced
 * to disk, and the temporary file is renamed over the target. A failure at any point (a full
 * disk, a value source that throws, a crash) leaves any previous file untouched; the temporary
 * file is deleted when the failure is an exception (after a crash it may remain, named
 * {@code .<name>.<random>.tmp}).
 */
public final class SafetensorsWriter {
  /** Bytes per write: big enough to amortize the system calls, small enough to stay in cache. */
  private static final int CHUNK_FLOATS = 16 * 1024;
  private static final JsonFactory JSON = new JsonFactory();

  private SafetensorsWriter() {}

  /** Row-major values of one tensor, asked for in chunks while the file is written. */
  @FunctionalInterface
  public interface Values {
    /** Copies elements {@code [from, from + count)} into {@code dst[0 .. count)}. */
    void copy(int from, float[] dst, int count) throws IOException;
  }

  /**
   * One tensor to write. The values are read only while the file is written, so a model can be
   * saved without first copying all its weights.
   */
  public record Entry(String name, Shape shape, Values values) {
    public Entry {
      if (name == null || shape == null || values == null) {
        throw new IllegalArgumentException("safetensors entry: name, shape and values are"
            + " required, got name=" + name + ", shape=" + shape);
      }
    }

    /** The tensor's own values (read when the file is written, not copied now). */
    public static Entry of(String name, Tensor tensor) {
      float[] data = tensor.data();
      int offset = tensor.offset();
      return new Entry(name, tensor.shape(),
          (from, dst, count) -> System.arraycopy(data, offset + from, dst, 0, count));
    }
  }

  /** Writes the tensors in map order, with the metadata; see {@link #write(Path, List, Map)}. */
  public static void write(Path file, SequencedMap<String, Tensor> tensors,
      Map<String, String> metadata) throws IOException {
    List<Entry> entries = new ArrayList<>(tensors.size());
    tensors.forEach((name, t) -> entries.add(Entry.of(name, t)));
    write(file, entries, metadata);
  }

  /**
   * Writes the entries, laid out contiguously in the given order, and the metadata, replacing
   * {@code file} atomically.
   *
   * @throws IllegalArgumentException if a name is repeated or is {@code __metadata__}, a
   *     metadata key or value is null, or the header would exceed the format's 100,000,000 bytes
   * @throws IOException if writing fails, or a value source throws one; the old file is intact
   */
  public static void write(Path file, List<Entry> entries, Map<String, String> metadata)
      throws IOException {
    byte[] header = header(entries, metadata, file);
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = createTemp(dir, target.getFileName().toString());
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        writeTo(out, header, entries);
        out.force(true); // the bytes are on disk before the rename makes them the file
      }
      move(tmp, target);
    } catch (Throwable t) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        t.addSuppressed(e);
      }
      throw t;
    }
    syncDirectory(dir);
  }

  /** The whole file as bytes, for tests that look at or damage them. */
  static byte[] toBytes(List<Entry> entries, Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    writeTo(Channels.newChannel(bytes), header(entries, metadata, Path.of("(memory)")), entries);
    return bytes.toByteArray();
  }

  private static void writeTo(WritableByteChannel out, byte[] header, List<Entry> entries)
      throws IOException {
    ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(header.length).flip();
    writeFully(out, prefix);
    writeFully(out, ByteBuffer.wrap(header));
    writeData(out, entries);
  }

  /** The JSON header, padded with spaces to a multiple of 8 bytes. */
  private static byte[] header(List<Entry> entries, Map<String, String> metadata, Path file)
      throws IOException {
    Set<String> names = new HashSet<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart("__metadata__");
        for (Map.Entry<String, String> m : metadata.entrySet()) {
          if (m.getKey() == null || m.getValue() == null) {
            throw new IllegalArgumentException(file + ": metadata keys and values must not be"
                + " null, got " + m.getKey() + " = " + m.getValue());
          }
          g.writeStringField(m.getKey(), m.getValue());
        }
        g.writeEndObject();
      }
      long begin = 0;
      for (Entry e : entries) {
        if (e.name().equals("__metadata__") || !names.add(e.name())) {
          throw new IllegalArgumentException(file + ": tensor name '" + e.name() + "' is "
              + (names.contains(e.name()) ? "used twice" : "reserved for the metadata"));
        }
        long end = begin + 4L * e.shape().size();
        g.writeObjectFieldStart(e.name());
        g.writeStringField("dtype", "F32");
        g.writeArrayFieldStart("shape");
        for (int d : e.shape().dims()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(begin);
        g.writeNumber(end);
        g.writeEndArray();
        g.writeEndObject();
        begin = end;
      }
      g.writeEndObject();
    }
    while (bytes.size() % 8 != 0) {
      bytes.write(' ');
    }
    if (bytes.size() > SafetensorsReader.MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(file + ": the header would be " + bytes.size()
          + " bytes, over the format's limit of " + SafetensorsReader.MAX_HEADER_BYTES);
    }
    return bytes.toByteArray();
  }

  private static void writeData(WritableByteChannel out, List<Entry> entries) throws IOException {
    float[] chunk = new float[CHUNK_FLOATS];
    ByteBuffer bytes = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer floats = bytes.asFloatBuffer(); // keeps the raw bits, NaN payloads included
    for (Entry e : entries) {
      int size = e.shape().size();
      for (int from = 0; from < size; from += CHUNK_FLOATS) {
        int count = Math.min(CHUNK_FLOATS, size - from);
        e.values().copy(from, chunk, count);
        floats.clear();
        floats.put(chunk, 0, count);
        bytes.clear().limit(4 * count);
        writeFully(out, bytes);
      }
    }
  }

  private static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }

  /**
   * A new, empty file beside the target. Not {@link Files#createTempFile}: that makes the file
   * readable by its owner only, and the rename would carry those permissions to the model.
   */
  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve("." + name + "." + Long.toHexString(
          ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
            .close();
        return tmp;
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** Renames atomically where the file system can; otherwise replaces the target. */
  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Forces the directory entry of the rename to disk, so that the new name survives a power
   * cut. Best effort: some systems (Windows) cannot open a directory, and the data itself is
   * already safe.
   */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // the file is complete either way; only the directory entry's durability is at stake
    }
  }
}
