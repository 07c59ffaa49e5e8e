package dev.lanes.dsl;

import dev.lanes.core.Tensor;
import dev.lanes.dsl.data.Dataset;
import java.util.SplittableRandom;

/** A small synthetic image task: 8x8 images of a bright bar at the top, bottom, left or right, on noise. */
final class Bars {
  private Bars() {}

  static Dataset of(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor x = Tensor.zeros(n, 1, 8, 8);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(4);
      labels[i] = label;
      int at = 1 + r.nextInt(2) + (label % 2 == 0 ? 0 : 4);
      for (int a = 0; a < 8; a++) {
        for (int b = 0; b < 8; b++) {
          boolean bar = label < 2 ? a == at : b == at;
          x.set((bar ? 1f : 0f) + (float) r.nextDouble(-0.35, 0.35), i, 0, a, b);
        }
      }
    }
    return Dataset.ofLabels(x, labels, 4);
  }
}
