package dev.lanes.layers.init;

import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Elementwise;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** The shared loops and checks of the initializers. */
final class Draw {
  private Draw() {}

  /** t ← U(-bound, bound), element by element in order, so a seed gives one tensor. */
  static void uniform(Tensor t, float bound, RandomGenerator random) {
    float[] data = t.data();
    int off = t.offset();
    if (bound == 0f) {
      Elementwise.fill(data, off, 0f, t.size());
      return;
    }
    for (int i = 0, n = t.size(); i < n; i++) {
      data[off + i] = random.nextFloat(-bound, bound);
    }
  }

  /** t ← N(0, std²), element by element in order. */
  static void normal(Tensor t, float std, RandomGenerator random) {
    float[] data = t.data();
    int off = t.offset();
    for (int i = 0, n = t.size(); i < n; i++) {
      data[off + i] = (float) (std * random.nextGaussian());
    }
  }

  static void fans(String owner, Tensor t, int fanIn, int fanOut, RandomGenerator random) {
    Objects.requireNonNull(t, owner + ": tensor is null");
    Objects.requireNonNull(random, owner + ": random source is null");
    if (fanIn < 0 || fanOut < 0) {
      throw new IllegalArgumentException(
          owner + ": fans must be ≥ 0, got fanIn " + fanIn + ", fanOut " + fanOut);
    }
  }

  static void gain(String owner, float gain) {
    if (!(gain > 0f && gain < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(owner + ": gain must be > 0 and finite, got " + gain);
    }
  }
}
