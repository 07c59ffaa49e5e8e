package dev.lanes.layers;

import dev.lanes.core.Tensor;
import java.util.random.RandomGenerator;

/** PyTorch's default initialisation of Linear and Conv2d: U(-1/√fanIn, 1/√fanIn) for weight and bias. */
final class DefaultInit {
  private DefaultInit() {}

  static void uniformFanIn(Tensor t, int fanIn, RandomGenerator random) {
    double bound = 1 / Math.sqrt(fanIn);
    float[] d = t.data();
    for (int i = 0; i < t.size(); i++) {
      d[t.offset() + i] = (float) random.nextDouble(-bound, bound);
    }
  }
}
