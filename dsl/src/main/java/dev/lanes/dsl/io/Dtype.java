package dev.lanes.dsl.io;

/**
 * The element types of the safetensors format, with their size in bytes. Lanes reads the
 * floating-point ones ({@link #isReadable()}) and converts them to float32; it writes only F32.
 * The others are listed so that a file holding them fails with a message naming the type,
 * rather than as an unknown word.
 */
enum Dtype {
  F32(4, true), F16(2, true), BF16(2, true), F64(8, true),
  BOOL(1, false), U8(1, false), I8(1, false), F8_E5M2(1, false), F8_E4M3(1, false),
  I16(2, false), U16(2, false), I32(4, false), U32(4, false), I64(8, false), U64(8, false);

  private final int bytes;
  private final boolean readable;

  Dtype(int bytes, boolean readable) {
    this.bytes = bytes;
    this.readable = readable;
  }

  int bytes() {
    return bytes;
  }

  /** Whether {@link SafetensorsReader} converts this type to float32. */
  boolean isReadable() {
    return readable;
  }

  /** The type spelled {@code name} in a header, or null if the format has no such type. */
  static Dtype parse(String name) {
    for (Dtype d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }
}
