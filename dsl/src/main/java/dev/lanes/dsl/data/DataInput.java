package dev.lanes.dsl.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A data file's bytes, gunzipped if the file starts with the gzip magic number (whatever its
 * name), with a count of the bytes read so far: the place that messages name. For a gzip file
 * the count is of the uncompressed bytes, which is where the reader is in the data.
 */
final class DataInput extends FilterInputStream {
  /**
   * Deflate's best ratio is about 1032:1, so a gzip file of n bytes holds at most about
   * 1032·n: a bound on what a header may claim before anything is allocated for it.
   */
  static final long MAX_GZIP_RATIO = 1032;

  final String file;
  final boolean gzip;
  final long fileSize;
  private long position;

  private DataInput(InputStream in, String file, boolean gzip, long fileSize) {
    super(in);
    this.file = file;
    this.gzip = gzip;
    this.fileSize = fileSize;
  }

  static DataInput open(Path path) throws IOException {
    return open(Files.newInputStream(path), path.toString(), Files.size(path));
  }

  /**
   * A stream (a class-path resource, say) read as a file named {@code file}; {@code size} is
   * its length in bytes, or {@code Long.MAX_VALUE / MAX_GZIP_RATIO} when unknown. Closes the
   * stream if opening fails.
   */
  static DataInput open(InputStream stream, String file, long size) throws IOException {
    BufferedInputStream raw = new BufferedInputStream(stream, 1 << 16);
    try {
      raw.mark(2);
      boolean gzip = raw.read() == 0x1F && raw.read() == 0x8B;
      raw.reset();
      InputStream in = raw;
      if (gzip) {
        try {
          in = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        } catch (ZipException | EOFException e) {
          throw new DataFormatException(file, "byte 0", "not a valid gzip file: "
              + e.getMessage(), e);
        }
      }
      return new DataInput(in, file, gzip, size);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * How messages name byte {@code offset} of the data: {@code "byte 16"}, or for a gzip file
   * {@code "uncompressed byte 16"}.
   */
  String at(long offset) {
    return (gzip ? "uncompressed byte " : "byte ") + offset;
  }

  /** The number of (uncompressed) bytes read so far. */
  long position() {
    return position;
  }

  /**
   * The most data bytes that can follow the current position: exact for a plain file, the
   * deflate bound for a gzip one.
   */
  long maxRemaining() {
    return gzip ? fileSize * MAX_GZIP_RATIO : fileSize - position;
  }

  @Override
  public int read() throws IOException {
    int b = wrap(() -> in.read());
    if (b >= 0) {
      position++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = wrap(() -> in.read(b, off, len));
    if (n > 0) {
      position += n;
    }
    return n;
  }

  /**
   * Reads exactly {@code len} bytes, or fails naming the place where the file ended and what
   * was being read there.
   */
  void readFully(byte[] b, int off, int len, String what) throws IOException {
    int done = 0;
    while (done < len) {
      int n = read(b, off + done, len - done);
      if (n < 0) {
        throw new DataFormatException(file, at(position), "the file ends while reading "
            + what + " (" + (len - done) + " more bytes expected)");
      }
      done += n;
    }
  }

  @FunctionalInterface
  private interface Read {
    int run() throws IOException;
  }

  /** A corrupt gzip stream is bad data, not a failing disk: say where it went wrong. */
  private int wrap(Read r) throws IOException {
    try {
      return r.run();
    } catch (ZipException | EOFException e) {
      throw new DataFormatException(file, at(position),
          "the gzip data is corrupt or truncated: " + e.getMessage(), e);
    }
  }
}
