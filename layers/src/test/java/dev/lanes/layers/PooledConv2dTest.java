package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.Pool2dGeometry;
import dev.lanes.core.kernel.PooledConv;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A convolution and its max pooling trained as one step: the same pooled output, input
 * gradient and parameter gradients as the two layers one after the other (the gradients bit
 * for bit where the kernels run them image by image: the SIMD provider, a first layer of 1
 * channel and 3x3 filters), and clear
 * messages for a pooling of another shape and a backward before any forward.
 */
class PooledConv2dTest {
  private static Conv2d conv(int channels, int filters) {
    Conv2d conv = new Conv2d(new Conv2d.Config(filters, 3, 3, 1, 1, 1, true), "conv2d_1");
    conv.build(Shape.of(channels, 10, 10), new SplittableRandom(1));
    return conv;
  }

  private static MaxPool2d pool(Shape input) {
    MaxPool2d pool = new MaxPool2d(new MaxPool2d.Config(2), "maxpool2d_1");
    pool.build(input, new SplittableRandom(1));
    return pool;
  }

  private static Tensor random(Shape shape, int seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) r.nextGaussian();
    }
    return t;
  }

  @Test
  void sameResultsAsTheLayersOneAfterTheOther() {
    Conv2d conv = conv(1, 6);
    MaxPool2d pool = pool(conv.outputShape());
    boolean imageByImage = PooledConv.applies(new Conv2dGeometry(9, 1, 10, 10, 6, 3, 3, 1, 1,
        1, 1, 1, 1), new Pool2dGeometry(9, 6, 10, 10, 2, 2, 2, 2, 0, 0));
    assertEquals(imageByImage, PooledConv2d.fuses(conv, pool));
    Tensor x = random(Shape.of(9, 1, 10, 10), 2);
    Tensor dOut = random(Shape.of(9, 6, 5, 5), 3);

    float[] y = pool.forward(conv.forward(x, true), true).toArray();
    float[] dx = conv.backward(pool.backward(dOut)).toArray();
    float[] dw = conv.weight().grad().toArray();
    float[] db = conv.bias().grad().toArray();
    conv.weight().zeroGrad();
    conv.bias().zeroGrad();

    // (with kernels that do not work image by image, such as the scalar reference's, the
    // step still runs, its sums in another order)
    float tolerance = imageByImage ? 0f : 1e-4f;
    PooledConv2d fused = new PooledConv2d(conv, pool);
    assertArrayEquals(y, fused.forward(x).toArray(), "pooled output");
    Tensor dxFused = fused.backward(dOut);
    assertArrayEquals(dw, conv.weight().grad().toArray(), tolerance, "dw");
    assertArrayEquals(db, conv.bias().grad().toArray(), tolerance, "db");
    // the input gradient: the kernels' on one image at a time (im2col's products may take
    // other paths for one image than for nine)
    assertArrayEquals(dx, dxFused.toArray(), 1e-5f, "dx");
  }

  /** With a relu after the pooling: the three layers conv, pool, relu, bit for bit. */
  @Test
  void withAReluSameResultsAsTheLayersOneAfterTheOther() {
    Conv2d conv = conv(1, 6);
    MaxPool2d pool = pool(conv.outputShape());
    Relu relu = new Relu("relu_1");
    relu.build(pool.outputShape(), new SplittableRandom(1));
    boolean imageByImage = PooledConv2d.fuses(conv, pool);
    Tensor x = random(Shape.of(9, 1, 10, 10), 4);
    Tensor dOut = random(Shape.of(9, 6, 5, 5), 5);

    float[] y = relu.forward(pool.forward(conv.forward(x, true), true), true).toArray();
    float[] dx = conv.backward(pool.backward(relu.backward(dOut))).toArray();
    float[] dw = conv.weight().grad().toArray();
    float[] db = conv.bias().grad().toArray();
    conv.weight().zeroGrad();
    conv.bias().zeroGrad();

    float tolerance = imageByImage ? 0f : 1e-4f;
    PooledConv2d fused = new PooledConv2d(conv, pool, true);
    assertArrayEquals(y, fused.forward(x).toArray(), "relu of the pooled output");
    Tensor dxFused = fused.backward(dOut);
    assertArrayEquals(dw, conv.weight().grad().toArray(), tolerance, "dw");
    assertArrayEquals(db, conv.bias().grad().toArray(), tolerance, "db");
    assertArrayEquals(dx, dxFused.toArray(), 1e-5f, "dx");
  }

  @Test
  void winogradsLayersRunOneAfterTheOther() {
    Conv2d conv = conv(32, 64);
    assertFalse(PooledConv2d.fuses(conv, pool(conv.outputShape())));
  }

  @Test
  void namesTheLayersOnMisuse() {
    Conv2d conv = conv(1, 6);
    MaxPool2d other = pool(Shape.of(4, 10, 10));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PooledConv2d(conv, other));
    assertEquals("MaxPool2d 'maxpool2d_1' takes (4, 10, 10), not the output (6, 10, 10) of"
        + " Conv2d 'conv2d_1'", e.getMessage());
    PooledConv2d fused = new PooledConv2d(conv, pool(conv.outputShape()));
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> fused.backward(Tensor.zeros(Shape.of(9, 6, 5, 5))));
    assertEquals("Conv2d 'conv2d_1': backward() called before a training forward()",
        s.getMessage());
  }
}
