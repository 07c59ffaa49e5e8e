package dev.lanes.dsl.io;

/**
 * Strict UTF-8 validation (RFC 3629, as Rust's {@code str::from_utf8}, which the reference
 * reader uses): no overlong forms, no surrogates, nothing above U+10FFFF. It reports the first
 * bad byte, which a decoder that substitutes U+FFFD would hide.
 */
final class Utf8 {
  private Utf8() {}

  /** The index of the first byte that starts an invalid sequence, or -1 if all is valid. */
  static int firstInvalid(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int len;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : lo; // below: overlong
        hi = c == 0xED ? 0x9F : hi; // above: a surrogate
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : lo; // below: overlong
        hi = c == 0xF4 ? 0x8F : hi; // above: past U+10FFFF
      } else {
        return i; // a continuation byte, an overlong lead (C0, C1) or F5..FF
      }
      if (i + len > n) {
        return i;
      }
      int second = b[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k < len; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += len;
    }
    return -1;
  }
}
