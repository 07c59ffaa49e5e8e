package dev.lanes.core.kernel;

import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.parallel.RangeBody;
import java.util.Arrays;

/**
 * A convolution followed by max pooling, run an image at a time so that the convolution's
 * output never goes to memory: each image's output (out, outH, outW) is written to a per-thread
 * buffer, which stays in the cache, and pooled from there; backward, each image's pooled
 * gradient is spread back into such a buffer ({@code maxPoolBackward}) and the convolution's
 * gradients taken from it. The CNN's first layer and its pooling, (64, 1, 28, 28) -> 32 3x3
 * filters -> 2x2: its 6.4 MB output was written, read by the pooling, its gradient written by
 * the pooling's backward and read by the weight gradient. Image by image, the kernels' forward
 * ran 1.3-1.4x and their backward 1.35-1.7x as fast, with 1 thread and with 2; through the
 * layers (PooledConv2d against Conv2d and MaxPool2d) 1.14-1.26x and 1.2-1.43x (probe loops
 * alternating the two in one JVM).
 *
 * <p>Only where the provider's convolution works image by image anyway ({@link
 * ConvKernels#imageByImage}, see {@link #applies}): the outputs and argmax are then those of
 * {@link Conv#forward} then {@link Pool#maxPoolForward} bit for bit. The weight gradient runs
 * in Im2colConv's parts of the batch ({@link Im2colConv#weightParts}), each summing its images
 * in order into its own partial sums, added to dw and dBias in part order, as the image-by-image
 * kernels do on the whole batch, so those are the same too (but for the sign of a zero sum),
 * for any thread count. The input gradient, if asked for, is the kernels' on one image at a
 * time.
 *
 * <p>Every method checks its arrays against the geometries, as {@link Conv} and {@link Pool}
 * do, and that the pooling's input is the convolution's output.
 */
public final class PooledConv {
  private static final ConvKernels CONV = KernelProvider.get().conv();
  private static final PoolKernels POOL = KernelProvider.get().pool();
  private static final ElementwiseKernels ELEMENTWISE = KernelProvider.get().elementwise();
  private static final ThreadLocal<Pass> PASSES = ThreadLocal.withInitial(Pass::new);
  /** Per thread: one image's convolution output (or its gradient). */
  private static final ThreadLocal<Scratch> IMAGES = ThreadLocal.withInitial(Scratch::new);
  /** Per calling thread: the weight gradient's partial sums. */
  private static final ThreadLocal<Scratch> PARTIALS = ThreadLocal.withInitial(Scratch::new);

  private PooledConv() {}

  /**
   * Whether {@code conv} then {@code pool} run here: the provider's convolution works image by
   * image for this geometry, and the pooling takes the convolution's output.
   */
  public static boolean applies(Conv2dGeometry conv, Pool2dGeometry pool) {
    return fits(conv, pool) && CONV.imageByImage(conv);
  }

  private static boolean fits(Conv2dGeometry conv, Pool2dGeometry pool) {
    return pool.batch() == conv.batch() && pool.channels() == conv.outChannels()
        && pool.height() == conv.outHeight() && pool.width() == conv.outWidth();
  }

  /**
   * Overwrites out (N, out, poolH, poolW) and argmax with the max pooling of {@code w ⊛ x +
   * bias}; bias may be null.
   *
   * @throws IllegalArgumentException if the pooling does not take the convolution's output, or
   *     an array is too short for its shape
   */
  public static void forward(float[] out, int outOff, int[] argmax, int argOff, float[] x,
      int xOff, float[] w, int wOff, float[] bias, int biasOff, Conv2dGeometry conv,
      Pool2dGeometry pool) {
    check("pooledConv2d", conv, pool);
    Conv.input("pooledConv2d", "x", x, xOff, conv);
    Conv.weight("pooledConv2d", "w", w, wOff, conv);
    if (bias != null) {
      Conv.perChannel("pooledConv2d", "bias", bias, biasOff, conv);
    }
    Checks.range("pooledConv2d", "out", out, outOff, pool.outputSize());
    Checks.range("pooledConv2d", "argmax", argmax, argOff, pool.outputSize());
    Pass p = PASSES.get().set(conv, pool, true, out, outOff, argmax, argOff, x, xOff, w, wOff,
        bias, biasOff);
    try {
      if (Parallel.threads() > 1 && conv.batch() >= Parallel.threads()) {
        Parallel.parallelForDynamic(conv.batch(), 1, p); // an image to whichever thread is free
      } else {
        p.run(0, conv.batch());
      }
    } finally {
      p.clear();
    }
  }

  /**
   * From the gradient of the pooled output dOut (N, out, poolH, poolW) and the forward's argmax:
   * adds the weight gradient into dw and, unless null, Σ dy into dBias, and overwrites dx (N,
   * C, H, W) with the input gradient unless dx is null.
   *
   * @throws IllegalArgumentException if the pooling does not take the convolution's output, or
   *     an array is too short for its shape
   */
  public static void backward(float[] dx, int dxOff, float[] dw, int dwOff, float[] dBias,
      int dBiasOff, float[] dOut, int dOutOff, int[] argmax, int argOff, float[] x, int xOff,
      float[] w, int wOff, Conv2dGeometry conv, Pool2dGeometry pool) {
    check("pooledConv2dBackward", conv, pool);
    if (dx != null) {
      Conv.input("pooledConv2dBackward", "dx", dx, dxOff, conv);
    }
    Conv.weight("pooledConv2dBackward", "dw", dw, dwOff, conv);
    if (dBias != null) {
      Conv.perChannel("pooledConv2dBackward", "dBias", dBias, dBiasOff, conv);
    }
    Checks.range("pooledConv2dBackward", "dOut", dOut, dOutOff, pool.outputSize());
    Checks.range("pooledConv2dBackward", "argmax", argmax, argOff, pool.outputSize());
    Conv.input("pooledConv2dBackward", "x", x, xOff, conv);
    Conv.weight("pooledConv2dBackward", "w", w, wOff, conv);
    int parts = Im2colConv.weightParts(conv);
    int partSize = conv.weightSize() + conv.outChannels();
    Pass p = PASSES.get().set(conv, pool, false, dOut, dOutOff, argmax, argOff, x, xOff, w,
        wOff, dBias, dBiasOff);
    p.dx = dx;
    p.dxOff = dxOff;
    p.perPart = Im2colConv.imagesPerPart(conv);
    p.partial = PARTIALS.get().floats(parts * partSize);
    try {
      Parallel.parallelForDynamic(parts, 1, p);
      Im2colConv.addPartials(ELEMENTWISE, dw, dwOff, dBias, dBiasOff, p.partial, parts, conv);
    } finally {
      p.clear();
    }
  }

  private static void check(String kernel, Conv2dGeometry conv, Pool2dGeometry pool) {
    if (!fits(conv, pool)) {
      throw new IllegalArgumentException(kernel + ": the pooling's input (" + pool.batch()
          + ", " + pool.channels() + ", " + pool.height() + ", " + pool.width()
          + ") is not the convolution's output " + conv.outputShape());
    }
  }

  /**
   * One call's arguments, per calling thread so that a call allocates nothing; forward: images
   * [start, end); backward: parts [start, end). {@code out} is the pooled output, or its
   * gradient; {@code bias} the bias, or its gradient.
   */
  private static final class Pass implements RangeBody {
    Conv2dGeometry conv;
    Pool2dGeometry pool;
    /** One image's: made when the geometries change, so that a call allocates nothing. */
    Conv2dGeometry image;
    Pool2dGeometry poolImage;
    boolean forward;
    float[] out;
    int outOff;
    int[] argmax;
    int argOff;
    float[] x;
    int xOff;
    float[] w;
    int wOff;
    float[] bias;
    int biasOff;
    float[] dx;
    int dxOff;
    int perPart;
    float[] partial;

    /** The call's geometries and the arrays both passes read or write. */
    Pass set(Conv2dGeometry conv, Pool2dGeometry pool, boolean forward, float[] out, int outOff,
        int[] argmax, int argOff, float[] x, int xOff, float[] w, int wOff, float[] bias,
        int biasOff) {
      this.forward = forward;
      this.out = out;
      this.outOff = outOff;
      this.argmax = argmax;
      this.argOff = argOff;
      this.x = x;
      this.xOff = xOff;
      this.w = w;
      this.wOff = wOff;
      this.bias = bias;
      this.biasOff = biasOff;
      if (!conv.equals(this.conv) || !pool.equals(this.pool)) {
        this.conv = conv;
        this.pool = pool;
        image = conv.withBatch(1);
        poolImage = new Pool2dGeometry(1, pool.channels(), pool.height(), pool.width(),
            pool.kernelH(), pool.kernelW(), pool.strideH(), pool.strideW(), pool.padH(),
            pool.padW());
      }
      return this;
    }

    void clear() {
      out = x = w = bias = dx = partial = null;
      argmax = null;
    }

    @Override
    public void run(int start, int end) {
      if (forward) {
        forwardImages(start, end);
      } else {
        for (int part = start; part < end; part++) {
          backwardPart(part);
        }
      }
    }

    private void forwardImages(int start, int end) {
      float[] y = IMAGES.get().floats(image.outputSize());
      int pooled = poolImage.outputSize();
      for (int n = start; n < end; n++) {
        CONV.forward(y, 0, x, xOff + n * image.inputSize(), w, wOff, bias, biasOff, image);
        POOL.maxPoolForward(out, outOff + n * pooled, argmax, argOff + n * pooled, y, 0,
            poolImage);
      }
    }

    /** The part's images in order: dy spread back, then each gradient of the image. */
    private void backwardPart(int part) {
      float[] dy = IMAGES.get().floats(image.outputSize());
      int pooled = poolImage.outputSize();
      int at = part * (conv.weightSize() + conv.outChannels());
      int biasAt = at + conv.weightSize();
      Arrays.fill(partial, at, biasAt + conv.outChannels(), 0f);
      int first = part * perPart;
      int last = Math.min(conv.batch(), first + perPart);
      for (int n = first; n < last; n++) {
        POOL.maxPoolBackward(dy, 0, out, outOff + n * pooled, argmax, argOff + n * pooled,
            poolImage);
        CONV.backwardWeights(partial, at, bias == null ? null : partial, biasAt, dy, 0, x,
            xOff + n * image.inputSize(), image);
        if (dx != null) {
          CONV.backwardData(dx, dxOff + n * image.inputSize(), dy, 0, w, wOff, image);
        }
      }
    }
  }
}
