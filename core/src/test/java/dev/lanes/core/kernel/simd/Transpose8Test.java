package dev.lanes.core.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.core.prop.Property;
import org.junit.jupiter.api.Test;

/**
 * The register transpose against plain loops, bit for bit, on random strides and offsets; the
 * destination's other elements must stay as they were. Runs where the species has 8 lanes
 * (AVX2, or -Dlanes.vectorBits=256).
 */
class Transpose8Test {
  @Test
  void matchesTheScalarTranspose() {
    assumeTrue(Transpose8.AVAILABLE, "8-lane species only");
    Property.named("8x8 register transpose = scalar transpose").tries(200).check(c -> {
      int fromStride = c.size("from stride", 8, 40, 8, 9, 16, 17);
      int toStride = c.size("to stride", 8, 40, 8, 9, 16, 17);
      int fromAt = c.size("from offset", 0, 13, 0, 1, 7);
      int toAt = c.size("to offset", 0, 13, 0, 1, 7);
      float[] from = c.floatsWithSpecials("from", fromAt + 7 * fromStride + 8 + 3, -1, 1);
      float[] to = c.floats("to", toAt + 7 * toStride + 8 + 3, -9, 9);
      float[] expected = to.clone();
      for (int j = 0; j < 8; j++) {
        for (int p = 0; p < 8; p++) {
          expected[toAt + p * toStride + j] = from[fromAt + j * fromStride + p];
        }
      }
      Transpose8.block(from, fromAt, fromStride, to, toAt, toStride);
      assertArrayEquals(expected, to);
    });
  }
}
