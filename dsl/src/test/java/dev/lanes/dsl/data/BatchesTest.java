package dev.lanes.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.prop.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** Every sample once per epoch, rows that match their labels, seeded orders. */
class BatchesTest {
  /** The samples of one epoch, in order, read from the batches' features. */
  private static int[] epochOrder(Batches batches, int epoch) {
    List<Integer> order = new ArrayList<>();
    for (Batch b : batches.epoch(epoch)) {
      for (int r = 0; r < b.size(); r++) {
        order.add((int) b.features().get(r, 0, 0));
      }
    }
    return order.stream().mapToInt(Integer::intValue).toArray();
  }

  private static Dataset data(int n, int classes) {
    return Dataset.ofLabels(DatasetTest.indexed(n), DatasetTest.labelsOf(n, classes), classes);
  }

  @Test
  void everySampleOncePerEpochWithItsOwnLabel() {
    Property.named("each epoch holds every sample once").tries(60).check(c -> {
      int n = c.size("n", 0, 130, 0, 1, 7, 8, 9);
      int batch = c.size("batch", 1, 20, 1, 8);
      int classes = c.intIn("classes", 1, 5);
      boolean drop = c.bool("dropLast");
      Batches batches = Batches.shuffled(data(n, classes), batch, c.random().nextLong());
      if (drop) {
        batches = batches.dropLast();
      }
      for (int epoch = 0; epoch < 3; epoch++) {
        int[] count = new int[n];
        int seenBatches = 0;
        for (Batch b : batches.epoch(epoch)) {
          seenBatches++;
          assertTrue(b.size() == batch || (!drop && b.size() == n % batch), "size " + b.size());
          assertEquals(Shape.of(b.size(), 2, 3), b.features().shape());
          assertEquals(Shape.of(b.size()), b.labels().shape());
          for (int r = 0; r < b.size(); r++) {
            int sample = (int) b.features().get(r, 1, 2);
            assertEquals(sample, b.index(r), "index() names the row's sample");
            assertEquals(sample % classes, (int) b.labels().get(r), "the row's own label");
            count[sample]++;
          }
        }
        assertEquals(batches.batchesPerEpoch(), seenBatches);
        int full = drop ? n / batch * batch : n;
        assertEquals(full, Arrays.stream(count).sum());
        assertTrue(Arrays.stream(count).allMatch(k -> k <= 1), "no sample twice");
      }
    });
  }

  @Test
  void theLastPartialBatchIsKeptUnlessDropped() {
    Batches keep = Batches.inOrder(data(23, 2), 10);
    List<Integer> sizes = new ArrayList<>();
    keep.forEach(b -> sizes.add(b.size()));
    assertEquals(List.of(10, 10, 3), sizes);
    assertEquals(3, keep.batchesPerEpoch());
    List<Integer> dropped = new ArrayList<>();
    keep.dropLast().forEach(b -> dropped.add(b.size()));
    assertEquals(List.of(10, 10), dropped);
    assertFalse(Batches.inOrder(data(5, 2), 10).dropLast().iterator().hasNext());
    List<Integer> small = new ArrayList<>();
    Batches.inOrder(data(5, 2), 10).forEach(b -> small.add(b.size()));
    assertEquals(List.of(5), small, "a set smaller than a batch is one partial batch");
  }

  @Test
  void inOrderIsTheDataSetsOrderEveryEpoch() {
    Batches b = Batches.inOrder(data(7, 2), 3);
    int[] expected = {0, 1, 2, 3, 4, 5, 6};
    assertArrayEquals(expected, epochOrder(b, 0));
    assertArrayEquals(expected, epochOrder(b, 5));
  }

  @Test
  void theOrderIsSetByTheSeedAndTheEpochAlone() {
    Dataset d = data(50, 3);
    Batches a = Batches.shuffled(d, 8, 1234);
    Batches b = Batches.shuffled(d, 8, 1234);
    int[] a0 = epochOrder(a, 0);
    int[] a1 = epochOrder(a, 1);
    int[] a2 = epochOrder(a, 2);
    assertArrayEquals(a2, epochOrder(b, 2), "epoch 2 without epochs 0 and 1 before it");
    assertArrayEquals(a0, epochOrder(b, 0));
    assertArrayEquals(a1, epochOrder(b, 1));
    assertFalse(Arrays.equals(a0, a1), "epochs differ");
    assertFalse(Arrays.equals(a1, a2), "epochs differ");
    assertFalse(Arrays.equals(a0, epochOrder(Batches.shuffled(d, 8, 1235), 0)), "seeds differ");
    int[] sorted = a0.clone();
    Arrays.sort(sorted);
    assertNotEquals(Arrays.toString(sorted), Arrays.toString(a0), "actually shuffled");
  }

  @Test
  void iteratingAgainRepeatsTheEpoch() {
    Batches b = Batches.shuffled(data(20, 2), 6, 9);
    b.epoch(3);
    List<Integer> first = new ArrayList<>();
    b.forEach(x -> first.add(x.index(0)));
    List<Integer> again = new ArrayList<>();
    b.forEach(x -> again.add(x.index(0)));
    assertEquals(first, again);
  }

  @Test
  void targetsTravelWithTheirFeatures() {
    int n = 13;
    Tensor targets = Tensor.zeros(n, 2);
    for (int i = 0; i < n; i++) {
      targets.set(i * 10f, i, 0);
      targets.set(-i, i, 1);
    }
    Batches batches = Batches.shuffled(Dataset.ofTargets(DatasetTest.indexed(n), targets), 4, 5);
    for (Batch b : batches.epoch(0)) {
      assertEquals(Shape.of(b.size(), 2), b.targets().shape());
      assertTrue(b.target() == b.targets());
      for (int r = 0; r < b.size(); r++) {
        int sample = (int) b.features().get(r, 0, 0);
        assertEquals(sample * 10f, b.targets().get(r, 0));
        assertEquals(-sample, b.targets().get(r, 1));
      }
      assertThrows(IllegalStateException.class, b::labels);
    }
  }

  @Test
  void misuse() {
    Batches b = Batches.inOrder(data(3, 2), 2);
    Iterator<Batch> it = b.epoch(0).iterator();
    it.next();
    it.next();
    assertFalse(it.hasNext());
    assertThrows(NoSuchElementException.class, it::next);
    assertThrows(IllegalArgumentException.class, () -> Batches.inOrder(data(3, 2), 0));
    assertThrows(IllegalArgumentException.class, () -> b.epoch(-1));
    assertThrows(IndexOutOfBoundsException.class, () -> b.epoch(0).iterator().next().index(2));
  }
}
