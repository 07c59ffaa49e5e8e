package dev.lanes.core.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.core.prop.Property;
import org.junit.jupiter.api.Test;

/**
 * The register transpose against plain loops, bit for bit, on random rows, strides and
 * offsets; the destination's other elements must stay as they were. Runs where the species has
 * 8 lanes (AVX2, or -Dlanes.vectorBits=256).
 */
class Transpose8Test {
  @Test
  void matchesTheScalarTranspose() {
    assumeTrue(Transpose8.AVAILABLE, "8-lane species only");
    Property.named("8x8 register transpose = scalar transpose").tries(200).check(c -> {
      int length = c.size("from length", 8, 120, 8, 9, 64);
      int shift = c.intIn("shift", 0, 3);
      int rowOff = c.size("row offset", 0, 9, 0, 1, 8);
      int toStride = c.size("to stride", 8, 40, 8, 9, 16, 17);
      int toAt = c.size("to offset", 0, 13, 0, 1, 7);
      // rows anywhere: a uniform stride (sgemm's transposed B), or each its own (Winograd's
      // lanes), overlapping or repeated
      int[] rowAt = new int[rowOff + 8];
      boolean strided = c.bool("strided");
      int stride = c.intIn("stride", 0, (length - 8) / 7);
      for (int j = 0; j < 8; j++) {
        rowAt[rowOff + j] = strided ? j * stride : c.intIn("row " + j, 0, length - 8);
      }
      float[] from = c.floatsWithSpecials("from", length + shift, -1, 1);
      float[] to = c.floats("to", toAt + 7 * toStride + 8 + 3, -9, 9);
      float[] expected = to.clone();
      for (int j = 0; j < 8; j++) {
        for (int p = 0; p < 8; p++) {
          expected[toAt + p * toStride + j] = from[rowAt[rowOff + j] + shift + p];
        }
      }
      Transpose8.rows(from, rowAt, rowOff, shift, to, toAt, toStride);
      assertArrayEquals(expected, to);
    });
  }
}
