package dev.lanes.dsl.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-made safetensors bytes, right or deliberately wrong. */
final class Craft {
  private Craft() {}

  /** A file with the given header text, its true length, and {@code dataBytes} zero bytes. */
  static byte[] file(String header, int dataBytes) {
    return file(header.getBytes(StandardCharsets.UTF_8), new byte[dataBytes]);
  }

  /** A file with the given header bytes, their true length, then the data. */
  static byte[] file(byte[] header, byte[] data) {
    return file(header.length, header, data);
  }

  /** A file whose length prefix says {@code claimedLength}, whatever follows. */
  static byte[] file(long claimedLength, byte[] header, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(claimedLength).array());
    out.writeBytes(header);
    out.writeBytes(data);
    return out.toByteArray();
  }

  /** One tensor entry's JSON. */
  static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
        + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }

  /** Little-endian bytes of shorts, for F16 and BF16 data. */
  static byte[] shorts(int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }

  static byte[] doubles(double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }
}
