package dev.lanes.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files, raw and gzipped: round trips, and every kind of bad file with its place. */
class IdxReaderTest {
  @TempDir
  Path dir;

  /** Three 2x4 images with pixels 0, 11, 22, ... (mod 256) and three labels. */
  private static final int[] PIXELS = new int[24];
  static {
    for (int i = 0; i < PIXELS.length; i++) {
      PIXELS[i] = (i * 11) % 256;
    }
    PIXELS[23] = 255;
  }

  private Path images(String name, boolean gzip) {
    byte[] bytes = IdxFiles.ubytes(new int[] {3, 2, 4}, PIXELS);
    return IdxFiles.write(dir.resolve(name), gzip ? IdxFiles.gzip(bytes) : bytes);
  }

  private Path labels(String name, boolean gzip, int... values) {
    byte[] bytes = IdxFiles.ubytes(new int[] {values.length}, values);
    return IdxFiles.write(dir.resolve(name), gzip ? IdxFiles.gzip(bytes) : bytes);
  }

  private static DataFormatException bad(Path file, Read read, String place, String problem) {
    DataFormatException e = assertThrows(DataFormatException.class, read::run);
    assertEquals(file.toString(), e.file());
    assertTrue(e.getMessage().startsWith(file + ": " + place + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: "
        + e.getMessage());
    return e;
  }

  @FunctionalInterface
  private interface Read {
    void run() throws IOException;
  }

  @Test
  void imagesRoundTripRawAndGzipped() throws IOException {
    for (boolean gzip : new boolean[] {false, true}) {
      Tensor raw = IdxReader.readImages(images("img" + gzip, gzip), false);
      assertEquals(Shape.of(3, 1, 2, 4), raw.shape(), "NCHW with one channel");
      for (int i = 0; i < PIXELS.length; i++) {
        assertEquals(PIXELS[i], raw.data()[i]);
      }
      Tensor unit = IdxReader.readImages(images("unit" + gzip, gzip), true);
      for (int i = 0; i < PIXELS.length; i++) {
        assertEquals(PIXELS[i] / 255f, unit.data()[i], "exactly x / 255");
      }
      assertEquals(1f, unit.data()[23]);
    }
  }

  @Test
  void labelsAndTheDatasetRoundTrip() throws IOException {
    Path x = images("x.gz", true);
    Path y = labels("y", false, 7, 0, 9);
    assertArrayEquals(new int[] {7, 0, 9}, IdxReader.readLabels(y, 10));
    Dataset d = IdxReader.read(x, y, 10, true);
    assertEquals(3, d.size());
    assertEquals(Shape.of(1, 2, 4), d.sampleShape());
    assertEquals(10, d.numClasses());
    assertEquals(9, d.label(2));
  }

  @Test
  void everyElementTypeIsReadAsFloat() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2 * 2 + 4 * 2 + 4 * 2 + 8 * 2).order(ByteOrder.BIG_ENDIAN);
    b.putShort((short) -300).putShort((short) 32767);
    Path shorts = IdxFiles.write(dir.resolve("s"), IdxFiles.concat(IdxFiles.header(0x0B, 2),
        Arrays.copyOf(b.array(), 4)));
    assertArrayEquals(new float[] {-300, 32767}, IdxReader.readTensor(shorts).toArray());

    ByteBuffer ints = ByteBuffer.allocate(8).putInt(-5).putInt(1 << 20);
    Path intFile = IdxFiles.write(dir.resolve("i"), IdxFiles.concat(IdxFiles.header(0x0C, 1, 2),
        ints.array()));
    Tensor t = IdxReader.readTensor(intFile);
    assertEquals(Shape.of(1, 2), t.shape());
    assertArrayEquals(new float[] {-5, 1 << 20}, t.toArray());

    ByteBuffer floats = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-0f);
    assertArrayEquals(new float[] {1.5f, -0f}, IdxReader.readTensor(IdxFiles.write(
        dir.resolve("f"), IdxFiles.concat(IdxFiles.header(0x0D, 2), floats.array()))).toArray());

    ByteBuffer doubles = ByteBuffer.allocate(16).putDouble(0.1).putDouble(-2);
    assertArrayEquals(new float[] {0.1f, -2f}, IdxReader.readTensor(IdxFiles.write(
        dir.resolve("d"), IdxFiles.gzip(IdxFiles.concat(IdxFiles.header(0x0E, 2),
            doubles.array())))).toArray());

    assertArrayEquals(new float[] {-1, 127, -128}, IdxReader.readTensor(IdxFiles.write(
        dir.resolve("b"), IdxFiles.concat(IdxFiles.header(0x09, 3),
            new byte[] {-1, 127, -128}))).toArray());
  }

  @Test
  void wrongMagicNumber() {
    Path zip = IdxFiles.write(dir.resolve("a.zip"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
    bad(zip, () -> IdxReader.readTensor(zip), "byte 0",
        "not an IDX file: the magic number 0x504B0304 should start with two zero bytes");
    Path type = IdxFiles.write(dir.resolve("t"), IdxFiles.header(0x07, 1));
    bad(type, () -> IdxReader.readTensor(type), "byte 2", "unknown IDX element type 0x07");
  }

  @Test
  void wrongDimensionCountOrType() {
    Path y = labels("labels-as-images", false, 1, 2);
    bad(y, () -> IdxReader.readImages(y, true), "byte 3", "expected 3 dimensions for images"
        + " (count, rows, columns), the file has 1");
    Path x = images("images-as-labels", true);
    bad(x, () -> IdxReader.readLabels(x, 10), "uncompressed byte 3",
        "expected 1 dimension for labels (count), the file has 3");
    Path ints = IdxFiles.write(dir.resolve("int-images"), IdxFiles.concat(
        IdxFiles.header(0x0C, 1, 1, 1), new byte[4]));
    bad(ints, () -> IdxReader.readImages(ints, false), "byte 2",
        "images must be unsigned bytes (type 0x08), the file has type 0x0C");
    Path none = IdxFiles.write(dir.resolve("rank0"), IdxFiles.header(0x08));
    bad(none, () -> IdxReader.readTensor(none), "byte 3", "needs at least one dimension");
  }

  @Test
  void truncatedFiles() {
    byte[] full = IdxFiles.ubytes(new int[] {3, 2, 4}, PIXELS);
    Path raw = IdxFiles.write(dir.resolve("cut"), Arrays.copyOf(full, full.length - 4));
    bad(raw, () -> IdxReader.readImages(raw, false), "byte 16", "the header describes (3, 2, 4)"
        + " ubyte elements (24 bytes) but only 20 bytes follow (the file is truncated)");

    Path gz = IdxFiles.write(dir.resolve("cut.gz"),
        IdxFiles.gzip(Arrays.copyOf(full, full.length - 4)));
    bad(gz, () -> IdxReader.readImages(gz, false), "uncompressed byte 36",
        "the file ends while reading the data (element 0 of 24) (4 more bytes expected)");

    byte[] zipped = IdxFiles.gzip(full);
    Path cutStream = IdxFiles.write(dir.resolve("cutstream.gz"),
        Arrays.copyOf(zipped, zipped.length - 12));
    bad(cutStream, () -> IdxReader.readImages(cutStream, false), "uncompressed byte 16",
        "the gzip data is corrupt or truncated");

    Path header = IdxFiles.write(dir.resolve("header"), Arrays.copyOf(full, 10));
    bad(header, () -> IdxReader.readImages(header, false), "byte 10",
        "the file ends while reading the dimensions (6 more bytes expected)");
  }

  @Test
  void extraBytesAfterTheData() {
    byte[] full = IdxFiles.ubytes(new int[] {2}, 1, 2);
    Path raw = IdxFiles.write(dir.resolve("long"), IdxFiles.concat(full, new byte[] {5}));
    bad(raw, () -> IdxReader.readLabels(raw, 10), "byte 10",
        "the file goes on after the 10 bytes its header describes");
    Path gz = IdxFiles.write(dir.resolve("long.gz"), IdxFiles.gzip(IdxFiles.concat(full,
        new byte[] {5})));
    bad(gz, () -> IdxReader.readLabels(gz, 10), "uncompressed byte 10", "goes on after");
  }

  @Test
  void labelsOutOfRange() {
    Path y = labels("y", false, 3, 12, 1);
    bad(y, () -> IdxReader.readLabels(y, 10), "byte 9",
        "label 12 (of sample 1) is outside [0, 10)");
  }

  @Test
  void imageAndLabelCountsMustMatch() {
    Path x = images("x", false);
    Path y = labels("y", true, 1, 2);
    bad(x, () -> IdxReader.read(x, y, 10, true), "byte 4",
        "the file has 3 images but " + y + " has 2 labels");
  }

  @Test
  void hostileDimensionsAreRefusedBeforeAllocation() {
    Path huge = IdxFiles.write(dir.resolve("huge"), IdxFiles.header(0x08, 65536, 65536, 1));
    bad(huge, () -> IdxReader.readImages(huge, false), "byte 8",
        "dimensions [65536, 65536] hold more than 2147483647 elements");
    Path big = IdxFiles.write(dir.resolve("big"), IdxFiles.header(0x08, 60000, 28, 28));
    bad(big, () -> IdxReader.readImages(big, false), "byte 16",
        "(60000, 28, 28) ubyte elements (47040000 bytes) but only 0 bytes follow");
    Path bigGz = IdxFiles.write(dir.resolve("big.gz"),
        IdxFiles.gzip(IdxFiles.header(0x08, 60000, 28, 28)));
    DataFormatException e = bad(bigGz, () -> IdxReader.readImages(bigGz, false),
        "uncompressed byte 16",
        "(47040000 bytes) but a gzip file of ");
    assertTrue(e.getMessage().contains("cannot hold more than"), e.getMessage());
    Path negative = IdxFiles.write(dir.resolve("neg"), IdxFiles.header(0x08, 1 << 31));
    bad(negative, () -> IdxReader.readTensor(negative), "byte 4",
        "dimension 0 is 2147483648, too large");
  }

  @Test
  void aBrokenGzipHeader() {
    Path gz = IdxFiles.write(dir.resolve("bad.gz"), new byte[] {0x1F, (byte) 0x8B, 1, 2, 3});
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> IdxReader.readTensor(gz));
    assertTrue(e.getMessage().startsWith(gz + ": byte 0"), e.getMessage());
  }

  /**
   * Fashion-MNIST as Debian's {@code dataset-fashion-mnist} package installs it; skipped where
   * it is not installed (the tests above need no download).
   */
  @Test
  void fashionMnistFromDebianIfInstalled() throws IOException {
    Path d = Path.of("/usr/share/datasets/fashion-mnist");
    Path images = d.resolve("t10k-images-idx3-ubyte.gz");
    Path labels = d.resolve("t10k-labels-idx1-ubyte.gz");
    assumeTrue(Files.isReadable(images) && Files.isReadable(labels),
        "apt-get install dataset-fashion-mnist");
    Dataset test = IdxReader.read(images, labels, 10, true);
    assertEquals(10_000, test.size());
    assertEquals(Shape.of(1, 28, 28), test.sampleShape());
    int[] perClass = new int[10];
    for (int y : test.labels()) {
      perClass[y]++;
    }
    int[] thousand = new int[10];
    Arrays.fill(thousand, 1000);
    assertArrayEquals(thousand, perClass, "Fashion-MNIST's test set has 1000 of each class");
    float max = 0;
    for (float v : test.features().data()) {
      max = Math.max(max, v);
    }
    assertEquals(1f, max, "pixels scaled to [0, 1]");
  }
}
