package dev.lanes.dsl.data;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/), gzipped or not
 * (recognised by the content, not the name):
 *
 * <pre>
 *   bytes 0-1   zero
 *   byte  2     element type: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32,
 *               0x0D float32, 0x0E float64
 *   byte  3     the number of dimensions, d
 *   then        d dimensions, 32-bit big-endian
 *   then        the elements, big-endian, row-major
 * </pre>
 *
 * <p>Everything is checked before the data is allocated: the magic number, the type, the
 * number of dimensions the caller expects, and the size the header claims against the file's
 * length (exactly for a plain file; for a gzip file against deflate's largest ratio, and then
 * exactly as it is read). Every failure is a {@link DataFormatException} naming the file and
 * the byte (of the uncompressed data, for a gzip file).
 */
public final class IdxReader {
  private static final int CHUNK = 1 << 16;

  private IdxReader() {}

  /** The element types, by their code in byte 2. */
  private enum Type {
    UBYTE(0x08, 1), BYTE(0x09, 1), SHORT(0x0B, 2), INT(0x0C, 4), FLOAT(0x0D, 4), DOUBLE(0x0E, 8);

    final int code;
    final int bytes;

    Type(int code, int bytes) {
      this.code = code;
      this.bytes = bytes;
    }

    static Type of(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  /** A checked header: the type, the dimensions, and the element count. */
  private record Header(Type type, int[] dims, int count) {}

  /**
   * Images (N, rows, columns) of unsigned bytes, as {@code train-images-idx3-ubyte}, as a tensor
   * (N, 1, rows, columns): NCHW with one channel.
   *
   * @param scaleToUnit divide by 255, so that pixels are in [0, 1]; else they stay 0..255
   */
  public static Tensor readImages(Path file, boolean scaleToUnit) throws IOException {
    return readImages(file, scaleToUnit, null, -1);
  }

  /**
   * Images; with a labels file, their counts must agree, which is checked before the pixels
   * are read.
   */
  private static Tensor readImages(Path file, boolean scaleToUnit, Path labels, int labelCount)
      throws IOException {
    try (DataInput in = DataInput.open(file)) {
      Header h = header(in, 3, "images (count, rows, columns)");
      requireUnsignedBytes(in, h, "images");
      if (labels != null && h.dims()[0] != labelCount) {
        throw new DataFormatException(in.file, in.at(4), "the file has " + h.dims()[0]
            + " images but " + labels + " has " + labelCount + " labels");
      }
      float[] values = new float[h.count()];
      readElements(in, h, values);
      if (scaleToUnit) {
        for (int i = 0; i < values.length; i++) {
          values[i] /= 255f;
        }
      }
      expectEnd(in);
      return Tensor.wrap(values, h.dims()[0], 1, h.dims()[1], h.dims()[2]);
    }
  }

  /**
   * Labels (N) of unsigned bytes, as {@code train-labels-idx1-ubyte}, each in [0, numClasses).
   */
  public static int[] readLabels(Path file, int numClasses) throws IOException {
    if (numClasses < 1) {
      throw new IllegalArgumentException("IdxReader: numClasses must be >= 1, got "
          + numClasses);
    }
    try (DataInput in = DataInput.open(file)) {
      Header h = header(in, 1, "labels (count)");
      requireUnsignedBytes(in, h, "labels");
      long dataStart = in.position();
      byte[] bytes = new byte[h.count()];
      in.readFully(bytes, 0, bytes.length, "the labels");
      int[] labels = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        labels[i] = bytes[i] & 0xFF;
        if (labels[i] >= numClasses) {
          throw new DataFormatException(in.file, in.at(dataStart + i), "label "
              + labels[i] + " (of sample " + i + ") is outside [0, " + numClasses + ")");
        }
      }
      expectEnd(in);
      return labels;
    }
  }

  /** Any IDX file, as a tensor of its dimensions, with each element converted to float. */
  public static Tensor readTensor(Path file) throws IOException {
    try (DataInput in = DataInput.open(file)) {
      Header h = header(in, -1, null);
      float[] values = new float[h.count()];
      readElements(in, h, values);
      expectEnd(in);
      return Tensor.wrap(values, h.dims());
    }
  }

  /**
   * An MNIST-style pair of files as a data set: images (N, 1, rows, columns) and labels in
   * [0, numClasses), whose counts must agree.
   */
  public static Dataset read(Path images, Path labels, int numClasses, boolean scaleToUnit)
      throws IOException {
    int[] y = readLabels(labels, numClasses);
    return Dataset.ofLabels(readImages(images, scaleToUnit, labels, y.length), y, numClasses);
  }

  /**
   * Reads and checks the header.
   *
   * @param rank the number of dimensions required, or -1 for any (at least 1)
   */
  private static Header header(DataInput in, int rank, String what) throws IOException {
    byte[] magic = new byte[4];
    in.readFully(magic, 0, 4, "the magic number");
    if (magic[0] != 0 || magic[1] != 0) {
      throw new DataFormatException(in.file, in.at(0), String.format(
          "not an IDX file: the magic number 0x%02X%02X%02X%02X should start with two zero"
              + " bytes", magic[0], magic[1], magic[2], magic[3]));
    }
    Type type = Type.of(magic[2] & 0xFF);
    if (type == null) {
      throw new DataFormatException(in.file, in.at(2), String.format("unknown IDX element type"
          + " 0x%02X (known: 08, 09, 0B, 0C, 0D, 0E)", magic[2] & 0xFF));
    }
    int d = magic[3] & 0xFF;
    if (rank >= 0 ? d != rank : d < 1) {
      throw new DataFormatException(in.file, in.at(3), rank >= 0
          ? "expected " + rank + " dimension" + (rank == 1 ? "" : "s") + " for " + what
              + ", the file has " + d
          : "an IDX file needs at least one dimension, the file has 0");
    }
    byte[] dimBytes = new byte[4 * d];
    in.readFully(dimBytes, 0, dimBytes.length, "the dimensions");
    ByteBuffer bb = ByteBuffer.wrap(dimBytes).order(ByteOrder.BIG_ENDIAN);
    int[] dims = new int[d];
    long count = 1;
    for (int i = 0; i < d; i++) {
      dims[i] = bb.getInt();
      if (dims[i] < 0) {
        throw new DataFormatException(in.file, in.at(4 + 4 * i), "dimension " + i
            + " is " + Integer.toUnsignedString(dims[i]) + ", too large");
      }
      count *= dims[i];
      if (count > Integer.MAX_VALUE) {
        throw new DataFormatException(in.file, in.at(4 + 4 * i), "dimensions "
            + Arrays.toString(Arrays.copyOf(dims, i + 1)) + " hold more than "
            + Integer.MAX_VALUE + " elements, the most a tensor holds");
      }
    }
    long bytes = count * type.bytes;
    long available = in.maxRemaining();
    if (bytes > available) {
      throw new DataFormatException(in.file, in.at(in.position()), "the header describes "
          + Shape.format(dims) + " " + type.name().toLowerCase() + " elements (" + bytes
          + " bytes) but " + (in.gzip ? "a gzip file of " + in.fileSize
          + " bytes cannot hold more than " + available : "only " + available
          + " bytes follow (the file is truncated)"));
    }
    return new Header(type, dims, (int) count);
  }

  private static void requireUnsignedBytes(DataInput in, Header h, String what)
      throws IOException {
    if (h.type() != Type.UBYTE) {
      throw new DataFormatException(in.file, in.at(2), String.format("%s must be unsigned"
          + " bytes (type 0x08), the file has type 0x%02X", what, h.type().code));
    }
  }

  /** Reads {@code values.length} big-endian elements of the header's type, as floats. */
  private static void readElements(DataInput in, Header h, float[] values) throws IOException {
    int width = h.type().bytes;
    byte[] chunk = new byte[CHUNK]; // a multiple of every width: no element is split
    ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
    int done = 0;
    while (done < values.length) {
      int n = Math.min(values.length - done, CHUNK / width);
      in.readFully(chunk, 0, n * width, "the data (element " + done + " of " + values.length
          + ")");
      bb.clear();
      for (int i = 0; i < n; i++) {
        values[done + i] = switch (h.type()) {
          case UBYTE -> chunk[i] & 0xFF;
          case BYTE -> chunk[i];
          case SHORT -> bb.getShort();
          case INT -> bb.getInt();
          case FLOAT -> bb.getFloat();
          case DOUBLE -> (float) bb.getDouble();
        };
      }
      done += n;
    }
  }

  /** Extra bytes after the data mean the header and the file disagree: refuse them. */
  private static void expectEnd(DataInput in) throws IOException {
    long end = in.position();
    if (in.read() >= 0) {
      throw new DataFormatException(in.file, in.at(end), "the file goes on after the "
          + end + " bytes its header describes");
    }
  }
}
