package dev.lanes.core.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.core.kernel.Activations;
import dev.lanes.core.kernel.Conv;
import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.KernelProvider;
import dev.lanes.core.kernel.Pool;
import dev.lanes.core.kernel.Pool2dGeometry;
import dev.lanes.core.kernel.PooledConv;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.Property;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A convolution and its max pooling image by image against {@link Conv} then {@link Pool} on the
 * whole batch, where the provider's convolution works image by image (the SIMD provider's
 * direct convolution: stride 1, patches C·kh·kw shorter than NR): pooled output, argmax, weight
 * and bias gradients bit for bit, the input gradient within rounding (im2col's products may
 * take other paths for one image than for several), with 1 thread and with 2; batches that put
 * several images in a part of the weight gradient, non-zero offsets, overlapping and padded
 * pooling windows; with a relu after the pooling, also against {@link Activations}' relu and
 * its backward on the whole batch.
 */
class PooledConvTest {
  private static boolean simd() {
    return KernelProvider.simdUnavailableReason().isEmpty()
        && KernelProvider.get() == KernelProvider.simd();
  }

  /** A convolution with a patch shorter than NR (some kernels of 8 lanes' are not, of 4's). */
  private static Conv2dGeometry conv(Case c) {
    int kh = c.intIn("kernelH", 1, 3);
    int kw = c.intIn("kernelW", 2, 3);
    int channels = c.size("inChannels", 1, Math.max(1, (SimdGemm.NR - 1) / (kh * kw)), 1);
    int ph = c.intIn("padH", 0, 1);
    int pw = c.intIn("padW", 0, 1);
    return new Conv2dGeometry(c.size("batch", 1, 20, 1, 2, 9, 16, 20), channels,
        c.size("height", Math.max(2, kh + 1 - 2 * ph), 16, 28),
        c.size("width", Math.max(2, kw + 1 - 2 * pw), 30, 8, 9, 16, 28),
        c.size("outChannels", 1, 12, 1, 6, 7), kh, kw, 1, 1, ph, pw, 1, 1);
  }

  /** Max pooling of the convolution's output: 2x2 by 2, or overlapping 3x3 windows, padded. */
  private static Pool2dGeometry pool(Case c, Conv2dGeometry g) {
    boolean overlapping = c.bool("3x3 windows by 2, padding 1")
        && g.outHeight() >= 2 && g.outWidth() >= 2;
    int k = overlapping ? 3 : 2;
    return new Pool2dGeometry(g.batch(), g.outChannels(), g.outHeight(), g.outWidth(), k, k, 2,
        2, overlapping ? 1 : 0, overlapping ? 1 : 0);
  }

  @Test
  void sameResultsAsConvolutionThenPooling() {
    assumeTrue(simd(), "the SIMD provider's direct convolution");
    Property.named("pooled conv = conv then pool").tries(120).check(c -> {
      Conv2dGeometry g = conv(c);
      Pool2dGeometry pg = pool(c, g);
      c.note("conv", g);
      c.note("pool", pg);
      assertEquals(DirectConv.applies(g), PooledConv.applies(g, pg));
      if (!DirectConv.applies(g)) {
        return; // a patch of NR or more
      }
      int off = c.intIn("offset", 0, 3);
      float[] x = c.floatsWithSpecials("x", off + g.inputSize(), -2, 2);
      float[] w = c.floats("w", g.weightSize(), -1, 1);
      float[] bias = c.bool("bias") ? c.floats("b", g.outChannels(), -1, 1) : null;
      float[] dOut = c.floats("dOut", off + pg.outputSize(), -1, 1);
      float[] start = c.floats("dw start", g.weightSize(), -1, 1);
      float[] biasStart = c.floats("db start", g.outChannels(), -1, 1);
      for (int threads = 1; threads <= 2; threads++) {
        int before = Parallel.threads();
        try {
          Parallel.setThreads(threads);
          String at = threads + " thread(s)";
          // whole batch: conv, pool, unpool, gradients
          float[] y = new float[g.outputSize()];
          Conv.forward(y, 0, x, off, w, 0, bias, 0, g);
          float[] pooled = new float[pg.outputSize()];
          int[] argmax = new int[pg.outputSize()];
          Pool.maxPoolForward(pooled, 0, argmax, 0, y, 0, pg);
          Gradients expected = gradients(dOut, off, argmax, x, off, w, start, biasStart, g, pg);
          float[] dw = expected.dw();
          float[] db = expected.db();
          float[] dx = expected.dx();

          float[] pooledA = c.floats("pooled garbage", off + pg.outputSize(), -5, 5);
          int[] argmaxA = new int[off + pg.outputSize()];
          PooledConv.forward(pooledA, off, argmaxA, off, x, off, w, 0, bias, 0, g, pg);
          assertArrayEquals(pooled, slice(pooledA, off), "pooled, " + at);
          assertArrayEquals(argmax, sliceInts(argmaxA, off), "argmax, " + at);
          float[] dwA = start.clone();
          float[] dbA = biasStart.clone();
          float[] dxA = c.floats("dx garbage", off + g.inputSize(), -5, 5);
          PooledConv.backward(dxA, off, dwA, 0, dbA, 0, dOut, off, argmaxA, off, x, off, w, 0,
              g, pg);
          assertArrayEquals(dw, dwA, "dw, " + at);
          assertArrayEquals(db, dbA, "db, " + at);
          assertArrayEquals(dx, slice(dxA, off), 1e-5f, "dx, " + at);
          // the parameter gradients alone, and no bias
          float[] dwB = start.clone();
          PooledConv.backward(null, 0, dwB, 0, null, 0, dOut, off, argmaxA, off, x, off, w, 0,
              g, pg);
          assertArrayEquals(dw, dwB, "dw without dx and db, " + at);

          // with the relu after the pooling: relu of the pooled values, and the gradients of
          // the relu's backward then the pooling's
          float[] relu = new float[pg.outputSize()];
          Activations.relu(relu, 0, pooled, 0, pg.outputSize());
          float[] dPooled = new float[pg.outputSize()];
          Activations.reluBackward(dPooled, 0, dOut, off, pooled, 0, pg.outputSize());
          Gradients throughRelu =
              gradients(dPooled, 0, argmax, x, off, w, start, biasStart, g, pg);

          float[] pooledC = c.floats("pooled garbage", off + pg.outputSize(), -5, 5);
          float[] reluC = c.floats("relu garbage", off + pg.outputSize(), -5, 5);
          int[] argmaxC = new int[off + pg.outputSize()];
          PooledConv.forwardThenRelu(pooledC, off, reluC, off, argmaxC, off, x, off, w, 0, bias,
              0, g, pg);
          assertArrayEquals(pooled, slice(pooledC, off), "pooled before the relu, " + at);
          assertArrayEquals(relu, slice(reluC, off), "relu, " + at);
          assertArrayEquals(argmax, sliceInts(argmaxC, off), "argmax with the relu, " + at);
          float[] dwC = start.clone();
          float[] dbC = biasStart.clone();
          float[] dxC = c.floats("dx garbage", off + g.inputSize(), -5, 5);
          PooledConv.backwardThroughRelu(dxC, off, dwC, 0, dbC, 0, dOut, off, pooledC, off,
              argmaxC, off, x, off, w, 0, g, pg);
          assertArrayEquals(throughRelu.dw(), dwC, "dw through the relu, " + at);
          assertArrayEquals(throughRelu.db(), dbC, "db through the relu, " + at);
          assertArrayEquals(throughRelu.dx(), slice(dxC, off), 1e-5f,
              "dx through the relu, " + at);
        } finally {
          Parallel.setThreads(before);
        }
      }
    });
  }

  /** The convolution's gradients from the whole batch's pooled gradient, unpooled. */
  private record Gradients(float[] dw, float[] db, float[] dx) {}

  /**
   * dPooled (at dPooledOff) spread back by argmax, then the weight and bias gradients added to
   * copies of start and biasStart, and the input gradient: the kernels on the whole batch.
   */
  private static Gradients gradients(float[] dPooled, int dPooledOff, int[] argmax, float[] x,
      int xOff, float[] w, float[] start, float[] biasStart, Conv2dGeometry g,
      Pool2dGeometry pg) {
    float[] dy = new float[g.outputSize()];
    Pool.maxPoolBackward(dy, 0, dPooled, dPooledOff, argmax, 0, pg);
    float[] dw = start.clone();
    float[] db = biasStart.clone();
    Conv.backwardWeights(dw, 0, db, 0, dy, 0, x, xOff, g);
    float[] dx = new float[g.inputSize()];
    Conv.backwardData(dx, 0, dy, 0, w, 0, g);
    return new Gradients(dw, db, dx);
  }

  private static float[] slice(float[] a, int from) {
    return Arrays.copyOfRange(a, from, a.length);
  }

  private static int[] sliceInts(int[] a, int from) {
    return Arrays.copyOfRange(a, from, a.length);
  }

  @Test
  void runsWhereTheConvolutionWorksImageByImage() {
    assumeTrue(simd(), "the SIMD provider's direct convolution");
    Conv2dGeometry first = new Conv2dGeometry(64, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1);
    Pool2dGeometry pool = new Pool2dGeometry(64, 32, 28, 28, 2, 2, 2, 2, 0, 0);
    // (a patch of 9: shorter than NR with 8 lanes or more, not with 4)
    assertEquals(SimdGemm.NR > 9, PooledConv.applies(first, pool), "the CNN's first layer");
    // Winograd's tiles run across images; 32 channels of 3x3 are no short patch
    Conv2dGeometry second = new Conv2dGeometry(64, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1);
    assertFalse(PooledConv.applies(second,
        new Pool2dGeometry(64, 64, 14, 14, 2, 2, 2, 2, 0, 0)), "Winograd's layer");
    assertFalse(PooledConv.applies(first,
        new Pool2dGeometry(64, 16, 28, 28, 2, 2, 2, 2, 0, 0)), "another input");
  }

  /** One convolution pooled two ways in turn: each call pools by its own windows. */
  @Test
  void eachCallPoolsByItsOwnWindows() {
    Conv2dGeometry g = new Conv2dGeometry(3, 1, 9, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1);
    Pool2dGeometry[] pools = {new Pool2dGeometry(3, 4, 9, 9, 2, 2, 2, 2, 0, 0),
        new Pool2dGeometry(3, 4, 9, 9, 3, 3, 2, 2, 1, 1)};
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[g.inputSize()];
    float[] w = new float[g.weightSize()];
    for (float[] a : new float[][] {x, w}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) r.nextGaussian();
      }
    }
    float[] y = new float[g.outputSize()];
    Conv.forward(y, 0, x, 0, w, 0, null, 0, g);
    for (int round = 0; round < 2; round++) {
      for (Pool2dGeometry pool : pools) {
        float[] expected = new float[pool.outputSize()];
        Pool.maxPoolForward(expected, 0, new int[pool.outputSize()], 0, y, 0, pool);
        float[] pooled = new float[pool.outputSize()];
        PooledConv.forward(pooled, 0, new int[pool.outputSize()], 0, x, 0, w, 0, null, 0, g,
            pool);
        assertArrayEquals(expected, pooled, pool.toString());
      }
    }
  }

  @Test
  void refusesAPoolingOfAnotherShape() {
    Conv2dGeometry g = new Conv2dGeometry(2, 1, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1);
    Pool2dGeometry wrong = new Pool2dGeometry(2, 3, 8, 8, 2, 2, 2, 2, 0, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PooledConv.forward(new float[96], 0, new int[96], 0, new float[128], 0,
            new float[36], 0, null, 0, g, wrong));
    assertTrue(e.getMessage().contains("pooledConv2d: the pooling's input (2, 3, 8, 8) is not"
        + " the convolution's output"), e.getMessage());
    Pool2dGeometry pool = new Pool2dGeometry(2, 4, 8, 8, 2, 2, 2, 2, 0, 0);
    e = assertThrows(IllegalArgumentException.class,
        () -> PooledConv.backward(null, 0, new float[36], 0, null, 0, new float[10], 0,
            new int[128], 0, new float[128], 0, new float[36], 0, g, pool));
    assertTrue(e.getMessage().contains("pooledConv2dBackward: dOut"), e.getMessage());
  }
}
