package dev.lanes.dsl.io;

import dev.lanes.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * Reads a safetensors file (https://huggingface.co/docs/safetensors), checking everything the
 * reference implementation checks before a single tensor is allocated:
 *
 * <ol>
 *   <li>the file has at least the 8-byte header length;</li>
 *   <li>the header length is at most {@value #MAX_HEADER_BYTES} bytes and within the file;</li>
 *   <li>the header is valid UTF-8 and one JSON object (see {@link HeaderParser}); stricter
 *       than the reference: it must start with '{', keys must not repeat, and nesting is at
 *       most 32 deep;</li>
 *   <li>every tensor has a known dtype, a shape of non-negative integers and two data offsets,
 *       and its element count fits a Lanes tensor (at most 2³¹ − 1);</li>
 *   <li>the data offsets, sorted, tile the data from 0 without gaps or overlaps, each range is
 *       exactly as long as its shape and dtype need, and the last one ends at the end of the
 *       file (see {@link Layout}).</li>
 * </ol>
 *
 * <p>So the memory the reader asks for is bounded by the file's real size (at most twice it,
 * for F16 and BF16 data widened to float32), never by a number a hostile header claims.
 *
 * <p>Dtypes: F32 is read as is; F16, BF16 and F64 are converted to float32 (F64 rounds to
 * nearest). Any other dtype of the format (integers, booleans, 8-bit floats) is refused with a
 * message that names it.
 *
 * <p>Every problem with the bytes raises a {@link ModelFormatException} that names the file and
 * what is wrong; a file that cannot be opened raises the usual {@link IOException}.
 */
public final class SafetensorsReader {
  /** The reference implementation's limit on the header, in bytes. */
  public static final int MAX_HEADER_BYTES = 100_000_000;

  /** Bytes per read: a multiple of every dtype size, so no element straddles two reads. */
  private static final int CHUNK_BYTES = 64 * 1024;

  private SafetensorsReader() {}

  /** Reads the file at {@code file}; messages name it as given. */
  public static Safetensors read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(ByteSource.of(channel), file.toString());
    }
  }

  /** Reads a whole file held in memory; {@code name} is what messages call it. */
  public static Safetensors read(byte[] bytes, String name) throws ModelFormatException {
    try {
      return read(ByteSource.of(bytes), name);
    } catch (ModelFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading an array cannot fail: " + e, e);
    }
  }

  private static Safetensors read(ByteSource source, String file) throws IOException {
    long size = source.size();
    if (size < 8) {
      throw new ModelFormatException(file, "the file has " + size + " bytes, fewer than the 8"
          + " of the header length");
    }
    ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readOrFail(source, 0, prefix, file);
    long headerLength = prefix.flip().getLong(); // unsigned in the format: negative is huge
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw new ModelFormatException(file, "the header length "
          + Long.toUnsignedString(headerLength) + " is over the limit of " + MAX_HEADER_BYTES
          + " bytes");
    }
    if (8 + headerLength > size) {
      throw new ModelFormatException(file, "the header length " + headerLength
          + " runs past the end of the file (" + size + " bytes)");
    }
    byte[] headerBytes = new byte[(int) headerLength]; // bounded by the limit and the file
    readOrFail(source, 8, ByteBuffer.wrap(headerBytes), file);
    HeaderParser.Header header = HeaderParser.parse(headerBytes, file);
    long dataStart = 8 + headerLength;
    List<TensorInfo> ordered = Layout.check(header.tensors(), size - dataStart, file);

    SequencedMap<String, Tensor> tensors = new LinkedHashMap<>();
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (TensorInfo info : ordered) {
      tensors.put(info.name(), readTensor(source, dataStart, info, chunk, file));
    }
    return new Safetensors(tensors, header.metadata());
  }

  /** Reads and converts one tensor whose byte range has been checked against the file. */
  private static Tensor readTensor(ByteSource source, long dataStart, TensorInfo info,
      ByteBuffer chunk, String file) throws IOException {
    Tensor t = Tensor.zeros(info.shape());
    float[] dst = t.data();
    int width = info.dtype().bytes();
    long position = dataStart + info.begin();
    int done = 0;
    while (done < dst.length) {
      int count = Math.min(dst.length - done, CHUNK_BYTES / width);
      chunk.clear().limit(count * width);
      readOrFail(source, position, chunk, file);
      chunk.flip();
      convert(info.dtype(), chunk, dst, done, count);
      position += (long) count * width;
      done += count;
    }
    return t;
  }

  /** Little-endian values of {@code dtype} to float32. */
  private static void convert(Dtype dtype, ByteBuffer src, float[] dst, int at, int count) {
    switch (dtype) {
      case F32 -> src.asFloatBuffer().get(dst, at, count);
      case F64 -> {
        for (int i = 0; i < count; i++) {
          dst[at + i] = (float) src.getDouble();
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          dst[at + i] = Float.float16ToFloat(src.getShort());
        }
      }
      case BF16 -> {
        // bfloat16 is the upper half of a float32
        for (int i = 0; i < count; i++) {
          dst[at + i] = Float.intBitsToFloat((src.getShort() & 0xFFFF) << 16);
        }
      }
      default -> throw new IllegalStateException("dtype " + dtype + " passed the header check");
    }
  }

  private static void readOrFail(ByteSource source, long position, ByteBuffer dst, String file)
      throws IOException {
    if (!source.readFully(position, dst)) {
      throw new ModelFormatException(file, "the file ended before byte "
          + (position + dst.remaining()) + "; was it changed while being read?");
    }
  }
}
