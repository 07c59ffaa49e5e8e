package dev.lanes.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Pooling cases worked out by hand, for both providers, and the facade's messages. */
class PoolTest {
  static Stream<KernelProvider> providers() {
    return Stream.of(KernelProvider.scalar(), KernelProvider.simd());
  }

  @ParameterizedTest
  @MethodSource("providers")
  void maxPoolTiesGoToTheFirstInRowMajorOrder(KernelProvider p) {
    // one 4x4 plane, 2x2 windows, stride 2
    float[] x = {
        1, 5, 2, 2,
        5, 1, 2, 2,
        0, 0, 7, Float.NaN,
        0, 9, Float.NaN, 7};
    Pool2dGeometry g = Pool2dGeometry.of(1, 1, 4, 4, 2);
    float[] out = new float[4];
    int[] arg = new int[4];
    p.pool().maxPoolForward(out, 0, arg, 0, x, 0, g);
    assertArrayEquals(new float[] {5, 2, 9, Float.NaN}, out);
    // window 0: 5 at (0,1) before 5 at (1,0); window 1: all 2, first is (0,2);
    // window 3: the first NaN, (2,3)
    assertArrayEquals(new int[] {1, 2, 13, 11}, arg);

    float[] dx = new float[16];
    p.pool().maxPoolBackward(dx, 0, new float[] {1, 2, 3, 4}, 0, arg, 0, g);
    assertEquals(1f, dx[1]);
    assertEquals(2f, dx[2]);
    assertEquals(3f, dx[13]);
    assertEquals(4f, dx[11]);
    assertEquals(10f, dx[1] + dx[2] + dx[13] + dx[11]);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void avgPoolCountsPaddingOnlyWhenAsked(KernelProvider p) {
    // 2x2 plane, 2x2 window, stride 1, padding 1: the corner windows hold one real value
    float[] x = {1, 2, 3, 4};
    Pool2dGeometry g = new Pool2dGeometry(1, 1, 2, 2, 2, 2, 1, 1, 1, 1);
    assertEquals(3, g.outHeight());
    float[] out = new float[9];
    p.pool().avgPoolForward(out, 0, x, 0, g, false);
    assertArrayEquals(new float[] {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}, out);
    p.pool().avgPoolForward(out, 0, x, 0, g, true);
    assertArrayEquals(new float[] {0.25f, 0.75f, 0.5f, 1, 2.5f, 1.5f, 0.75f, 1.75f, 1}, out);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void globalAveragePooling(KernelProvider p) {
    float[] out = new float[2];
    p.pool().globalAvgPoolForward(out, 0, new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 0, 1, 2, 4);
    assertArrayEquals(new float[] {2.5f, 25f}, out);
    float[] dx = new float[8];
    p.pool().globalAvgPoolBackward(dx, 0, new float[] {4, 8}, 0, 1, 2, 4);
    assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2}, dx);
  }

  @Test
  void badGeometriesAreNamed() {
    assertEquals("pool2d: padding must be between 0 and half the kernel, got padding 2x0 for"
        + " kernel 3x3", assertThrows(IllegalArgumentException.class,
            () -> new Pool2dGeometry(1, 1, 8, 8, 3, 3, 1, 1, 2, 0)).getMessage());
    assertEquals("pool2d: the 3x3 kernel is larger than the padded input 2x2: the output would"
        + " be empty", assertThrows(IllegalArgumentException.class,
            () -> Pool2dGeometry.of(1, 1, 2, 2, 3)).getMessage());
    assertEquals("maxPool2d: x (2, 3, 4, 4) needs 96 elements from offset 0, but its array has 90",
        assertThrows(IllegalArgumentException.class, () -> Pool.maxPoolForward(new float[24], 0,
            new int[24], 0, new float[90], 0, Pool2dGeometry.of(2, 3, 4, 4, 2))).getMessage());
  }
}
