package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.parallel.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Max pooling and the relu after it as one step: the layers' output and input gradient bit for
 * bit, with 1 and 2 threads, on inputs large enough to be pooled in blocks on the threads and
 * holding ties, zeros of both signs and NaN; and the pooling layer named on misuse.
 */
class PooledReluTest {
  private final int threadsBefore = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(threadsBefore);
  }

  private static Tensor values(Shape shape, int seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = r.nextInt(5) - 2; // ties, and zeros
    }
    t.data()[7] = -0f;
    t.data()[t.size() / 2] = Float.NaN;
    return t;
  }

  @Test
  void sameResultsAsPoolingThenRelu() {
    for (int threads = 1; threads <= 2; threads++) {
      Parallel.setThreads(threads);
      for (Shape sample : new Shape[] {Shape.of(3, 9, 9), Shape.of(64, 14, 14)}) {
        MaxPool2d pool = new MaxPool2d(new MaxPool2d.Config(2), "maxpool2d_1");
        pool.build(sample, new SplittableRandom(1));
        Relu relu = new Relu("relu_1");
        relu.build(pool.outputShape(), new SplittableRandom(1));
        Tensor x = values(sample.prepend(16), 2);
        Tensor dOut = values(pool.outputShape().prepend(16), 3);
        String where = sample + ", " + threads + " thread(s)";

        float[] y = relu.forward(pool.forward(x, true), true).toArray();
        float[] dx = pool.backward(relu.backward(dOut)).toArray();
        PooledRelu fused = new PooledRelu(pool);
        assertArrayEquals(y, fused.forward(x).toArray(), "output, " + where);
        assertArrayEquals(dx, fused.backward(dOut).toArray(), "input gradient, " + where);
      }
    }
  }

  @Test
  void namesThePoolingOnMisuse() {
    MaxPool2d pool = new MaxPool2d(new MaxPool2d.Config(2), "maxpool2d_1");
    pool.build(Shape.of(2, 8, 8), new SplittableRandom(1));
    PooledRelu fused = new PooledRelu(pool);
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> fused.backward(Tensor.zeros(Shape.of(1, 2, 4, 4))));
    assertEquals("MaxPool2d 'maxpool2d_1': backward() called before a training forward()",
        s.getMessage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fused.forward(Tensor.zeros(Shape.of(1, 3, 8, 8))));
    assertEquals("MaxPool2d 'maxpool2d_1': expected input (N, 2, 8, 8), got (1, 3, 8, 8)",
        e.getMessage());
    fused.forward(Tensor.zeros(Shape.of(1, 2, 8, 8)));
    e = assertThrows(IllegalArgumentException.class,
        () -> fused.backward(Tensor.zeros(Shape.of(2, 2, 4, 4))));
    assertEquals("MaxPool2d 'maxpool2d_1': expected a gradient of shape (1, 2, 4, 4) (the last"
        + " output's), got (2, 2, 4, 4)", e.getMessage());
  }
}
