package dev.lanes.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void shapesPrintAsInErrorMessages() {
    assertEquals("(32, 1, 28, 28)", Shape.of(32, 1, 28, 28).toString());
    assertEquals("(10)", Shape.of(10).toString());
    assertEquals(25088, Shape.of(32, 1, 28, 28).size());
    assertEquals(784, Shape.of(32, 1, 28, 28).sampleSize());
    assertEquals(28, Shape.of(32, 1, 28, 28).dim(-1));
    assertEquals(Shape.of(8, 10), Shape.of(32, 10).withBatch(8));
    assertEquals(Shape.of(32, 1, 28, 28), Shape.of(1, 28, 28).prepend(32));
    assertEquals(Shape.of(1, 28, 28), Shape.of(32, 1, 28, 28).dropFirst());
    assertTrue(Shape.of(32, 1, 28, 28).isBatchOf(Shape.of(1, 28, 28)));
    assertFalse(Shape.of(32, 1, 28, 28).isBatchOf(Shape.of(1, 28, 27)));
    assertFalse(Shape.of(32, 784).isBatchOf(Shape.of(1, 28, 28)));
  }

  @Test
  void badShapesAreNamed() {
    assertEquals("shape (3, -1) has a negative dimension",
        assertThrows(IllegalArgumentException.class, () -> Shape.of(3, -1)).getMessage());
    assertEquals("shape (65536, 65536) has more than 2147483647 elements",
        assertThrows(IllegalArgumentException.class, () -> Shape.of(65536, 65536)).getMessage());
    assertEquals("axis 2 is out of range for shape (3, 4)",
        assertThrows(IllegalArgumentException.class, () -> Shape.of(3, 4).dim(2)).getMessage());
  }

  @Test
  void reshapeIsAViewAndInfersOneDimension() {
    Tensor x = Tensor.zeros(32, 1, 28, 28);
    Tensor flat = x.reshape(-1, 784);
    assertEquals(Shape.of(32, 784), flat.shape());
    assertSame(x.data(), flat.data());
    flat.set(5f, 1, 0);
    assertEquals(5f, x.get(1, 0, 0, 0));
    assertEquals("reshape (32, 1, 28, 28) to (-1, 100): 25088 elements do not divide into (-1, 100)",
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, 100)).getMessage());
    assertEquals("reshape (32, 1, 28, 28) to (32, 785): sizes differ (25088 vs 25120 elements)",
        assertThrows(IllegalArgumentException.class, () -> x.reshape(32, 785)).getMessage());
  }

  @Test
  void sliceIsABatchViewWithAnOffset() {
    Tensor x = Tensor.wrap(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 4, 2);
    Tensor middle = x.slice(1, 3);
    assertEquals(Shape.of(2, 2), middle.shape());
    assertEquals(2, middle.offset());
    assertArrayEquals(new float[] {2, 3, 4, 5}, middle.toArray());
    middle.set(-1f, 0, 0);
    assertEquals(-1f, x.get(1, 0));
    assertEquals("slice [3, 5) is out of range for shape (4, 2)",
        assertThrows(IllegalArgumentException.class, () -> x.slice(3, 5)).getMessage());
  }

  @Test
  void indexingChecksEveryCoordinate() {
    Tensor x = Tensor.zeros(2, 3);
    assertThrows(IndexOutOfBoundsException.class, () -> x.get(2, 0));
    assertEquals("index (1) has 1 coordinates but the shape (2, 3) has 2",
        assertThrows(IllegalArgumentException.class, () -> x.get(1)).getMessage());
    assertEquals("tensor of shape (2, 3) (6 elements) at offset 5 does not fit in an array of 10",
        assertThrows(IllegalArgumentException.class,
            () -> new Tensor(new float[10], 5, Shape.of(2, 3))).getMessage());
    assertEquals("Tensor(2, 3)[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]", x.toString());
  }

  @Test
  void copyOwnsItsData() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3}, 3);
    Tensor y = x.copy();
    y.set(9f, 0);
    assertEquals(1f, x.get(0));
  }

  @Test
  void aShapeIsABatchOfItsSampleShape() {
    Shape sample = Shape.of(1, 28, 28);
    assertTrue(Shape.of(32, 1, 28, 28).isBatchOf(sample));
    assertTrue(Shape.of(0, 1, 28, 28).isBatchOf(sample));
    assertFalse(Shape.of(32, 1, 28, 27).isBatchOf(sample));
    assertFalse(Shape.of(1, 28, 28).isBatchOf(sample));
    assertFalse(Shape.of(2, 32, 1, 28, 28).isBatchOf(sample));
    assertTrue(Shape.of(5).isBatchOf(Shape.of()));
  }
}
