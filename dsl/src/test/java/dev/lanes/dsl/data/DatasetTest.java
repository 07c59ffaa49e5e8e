package dev.lanes.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Construction checks, views and copies, and seeded splits. */
class DatasetTest {
  /** n samples of (2, 3) whose every value is the sample's index: rows identify samples. */
  static Tensor indexed(int n) {
    Tensor t = Tensor.zeros(n, 2, 3);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = i / 6;
    }
    return t;
  }

  static int[] labelsOf(int n, int classes) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
    }
    return y;
  }

  private static void fails(String message, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertEquals(message, x.getMessage());
  }

  @Test
  void sizesShapesAndClasses() {
    Dataset d = Dataset.ofLabels(indexed(5), labelsOf(5, 3), 4);
    assertEquals(5, d.size());
    assertEquals(Shape.of(2, 3), d.sampleShape());
    assertEquals(4, d.numClasses());
    assertTrue(d.hasLabels());
    assertEquals("Dataset(5 samples of (2, 3), 4 classes)", d.toString());
    assertEquals(3, Dataset.ofLabels(indexed(5), labelsOf(5, 3)).numClasses(), "max + 1");
    Dataset fromTensor = Dataset.ofLabels(indexed(3), Tensor.wrap(new float[] {2, 0, 1}, 3), 3);
    assertArrayEquals(new int[] {2, 0, 1}, fromTensor.labels());

    Dataset r = Dataset.ofTargets(indexed(4), Tensor.zeros(4, 1));
    assertEquals(Shape.of(1), r.targetShape());
    assertThrows(IllegalStateException.class, r::numClasses);
    assertThrows(IllegalStateException.class, d::targets);
  }

  @Test
  void mismatchedLengths() {
    fails("Dataset: features (5, 2, 3) have 5 samples but there are 4 labels",
        () -> Dataset.ofLabels(indexed(5), labelsOf(4, 2), 2));
    fails("Dataset: features (5, 2, 3) have 5 samples but there are 6 targets",
        () -> Dataset.ofTargets(indexed(5), Tensor.zeros(6, 1)));
    fails("Dataset: features must be (N, ...) with at least one dimension per sample, got (5);"
        + " reshape(-1, 1) makes one feature per sample",
        () -> Dataset.ofLabels(Tensor.zeros(5), labelsOf(5, 2), 2));
  }

  @Test
  void labelsOutOfRange() {
    fails("Dataset: label 3 of sample 2 is outside [0, 3)",
        () -> Dataset.ofLabels(indexed(3), new int[] {0, 1, 3}, 3));
    fails("Dataset: label -1 of sample 0 is outside [0, 3)",
        () -> Dataset.ofLabels(indexed(3), new int[] {-1, 1, 2}, 3));
    fails("Dataset: label 1.5 of sample 1 is not a whole number in [0, 3)",
        () -> Dataset.ofLabels(indexed(3), Tensor.wrap(new float[] {0, 1.5f, 2}, 3), 3));
    fails("Dataset: label NaN of sample 0 is not a whole number in [0, 3)",
        () -> Dataset.ofLabels(indexed(3), Tensor.wrap(new float[] {Float.NaN, 1, 2}, 3), 3));
    fails("Dataset: numClasses must be >= 1, got 0",
        () -> Dataset.ofLabels(indexed(0), new int[0], 0));
  }

  @Test
  void nanAndInfinityInTheData() {
    Tensor x = indexed(4);
    x.data()[2 * 6 + 5] = Float.NaN;
    fails("Dataset: feature 5 of sample 2 is NaN", () -> Dataset.ofLabels(x, labelsOf(4, 2), 2));
    Tensor y = Tensor.zeros(4, 2);
    y.data()[3] = Float.NEGATIVE_INFINITY;
    fails("Dataset: target 1 of sample 1 is -Infinity", () -> Dataset.ofTargets(indexed(4), y));
  }

  @Test
  void aRangeSubsetIsAViewAnIndexSubsetACopy() {
    Tensor x = indexed(6);
    Dataset d = Dataset.ofLabels(x, labelsOf(6, 3), 3);
    Dataset view = d.subset(2, 5);
    assertEquals(3, view.size());
    assertSame(x.data(), view.features().data());
    assertEquals(2f, view.features().get(0, 0, 0));
    assertArrayEquals(new int[] {2, 0, 1}, view.labels());

    Dataset picked = d.subset(new int[] {5, 0, 5});
    assertEquals(5f, picked.features().get(0, 1, 2));
    assertEquals(0f, picked.features().get(1, 0, 0));
    assertArrayEquals(new int[] {2, 0, 2}, picked.labels());
    assertNotEquals(x.data(), picked.features().data());
    fails("Dataset: subset [4, 7) is out of range for 6 samples", () -> d.subset(4, 7));
    fails("Dataset: subset index 6 at position 1 is out of range for 6 samples",
        () -> d.subset(new int[] {0, 6}));
  }

  @Test
  void splitsAreDisjointCompleteAndSeeded() {
    Dataset d = Dataset.ofTargets(indexed(101), indexed(101).reshape(101, 6));
    Dataset.Split a = d.split(0.8, 42);
    assertEquals(81, a.first().size(), "round(0.8 * 101)");
    assertEquals(20, a.second().size());
    int[] seen = new int[101];
    for (Dataset part : new Dataset[] {a.first(), a.second()}) {
      for (int i = 0; i < part.size(); i++) {
        int sample = (int) part.features().get(i, 0, 0);
        seen[sample]++;
        assertEquals(sample, part.targets().get(i, 5), "targets follow their features");
      }
    }
    int[] once = new int[101];
    Arrays.fill(once, 1);
    assertArrayEquals(once, seen, "every sample in exactly one part");

    Dataset.Split same = d.split(0.8, 42);
    assertArrayEquals(a.first().features().toArray(), same.first().features().toArray());
    Dataset.Split other = d.split(0.8, 43);
    assertTrue(!Arrays.equals(a.first().features().toArray(), other.first().features().toArray()),
        "another seed, another split");
    assertEquals(0, d.split(0, 1).first().size());
    assertEquals(101, d.split(1, 1).first().size());
    fails("Dataset: split fraction must be in [0, 1], got 1.5", () -> d.split(1.5, 1));
  }
}
