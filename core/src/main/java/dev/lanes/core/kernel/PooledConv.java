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
 * <p>A relu after the pooling (a CNN's conv, relu, pool, with the relu moved past the pooling,
 * which is exact: see the dsl's TrainingPath) runs in the same pass, on each image's pooled
 * values while they are in the cache ({@link #forwardThenRelu}, {@link #backwardThroughRelu}):
 * as a pass of its own over the batch's pooled (64, 32, 14, 14) values, forward and backward,
 * it read and wrote them through memory and was two more jobs for the threads. The relu
 * kernels are elementwise, so the values are those of {@link Activations#relu} and {@link
 * Activations#reluBackward} on the whole tensor, bit for bit.
 *
 * <p>Every method checks its arrays against the geometries, as {@link Conv} and {@link Pool}
 * do, and that the pooling's input is the convolution's output.
 */
public final class PooledConv {
  private static final ConvKernels CONV = KernelProvider.get().conv();
  private static final PoolKernels POOL = KernelProvider.get().pool();
  private static final ElementwiseKernels ELEMENTWISE = KernelProvider.get().elementwise();
  private static final ActivationKernels ACTIVATIONS = KernelProvider.get().activations();
  private static final ThreadLocal<Pass> PASSES = ThreadLocal.withInitial(Pass::new);
  /** Per thread: one image's convolution output (or its gradient). */
  private static final ThreadLocal<Scratch> IMAGES = ThreadLocal.withInitial(Scratch::new);
  /** Per thread: the gradient of one image's pooled values, through the relu after them. */
  private static final ThreadLocal<Scratch> POOLED = ThreadLocal.withInitial(Scratch::new);
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
    forward("pooledConv2d", out, outOff, null, 0, argmax, argOff, x, xOff, w, wOff, bias,
        biasOff, conv, pool);
  }

  /**
   * {@link #forward}, and relu (N, out, poolH, poolW) overwritten with max(pooled, 0), as
   * {@link Activations#relu} computes it: the pooling, then the relu after it.
   *
   * @throws IllegalArgumentException as {@link #forward}, or if relu is too short
   */
  public static void forwardThenRelu(float[] out, int outOff, float[] relu, int reluOff,
      int[] argmax, int argOff, float[] x, int xOff, float[] w, int wOff, float[] bias,
      int biasOff, Conv2dGeometry conv, Pool2dGeometry pool) {
    Checks.range("pooledConv2dRelu", "relu", relu, reluOff, pool.outputSize());
    forward("pooledConv2dRelu", out, outOff, relu, reluOff, argmax, argOff, x, xOff, w, wOff,
        bias, biasOff, conv, pool);
  }

  private static void forward(String kernel, float[] out, int outOff, float[] relu,
      int reluOff, int[] argmax, int argOff, float[] x, int xOff, float[] w, int wOff,
      float[] bias, int biasOff, Conv2dGeometry conv, Pool2dGeometry pool) {
    check(kernel, conv, pool);
    Conv.input(kernel, "x", x, xOff, conv);
    Conv.weight(kernel, "w", w, wOff, conv);
    if (bias != null) {
      Conv.perChannel(kernel, "bias", bias, biasOff, conv);
    }
    Checks.range(kernel, "out", out, outOff, pool.outputSize());
    Checks.range(kernel, "argmax", argmax, argOff, pool.outputSize());
    Pass p = PASSES.get().set(conv, pool, true, out, outOff, argmax, argOff, x, xOff, w, wOff,
        bias, biasOff);
    p.relu = relu;
    p.reluOff = reluOff;
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
    backward("pooledConv2dBackward", dx, dxOff, dw, dwOff, dBias, dBiasOff, dOut, dOutOff, null,
        0, argmax, argOff, x, xOff, w, wOff, conv, pool);
  }

  /**
   * {@link #backward} from the gradient dRelu of {@link #forwardThenRelu}'s relu output: the
   * pooled gradient is {@link Activations#reluBackward} of dRelu at the pooled values
   * {@code pooled} (its {@code out}), then as {@link #backward}.
   *
   * @throws IllegalArgumentException as {@link #backward}, or if pooled is too short
   */
  public static void backwardThroughRelu(float[] dx, int dxOff, float[] dw, int dwOff,
      float[] dBias, int dBiasOff, float[] dRelu, int dReluOff, float[] pooled, int pooledOff,
      int[] argmax, int argOff, float[] x, int xOff, float[] w, int wOff, Conv2dGeometry conv,
      Pool2dGeometry pool) {
    Checks.range("pooledConv2dReluBackward", "pooled", pooled, pooledOff, pool.outputSize());
    backward("pooledConv2dReluBackward", dx, dxOff, dw, dwOff, dBias, dBiasOff, dRelu,
        dReluOff, pooled, pooledOff, argmax, argOff, x, xOff, w, wOff, conv, pool);
  }

  private static void backward(String kernel, float[] dx, int dxOff, float[] dw, int dwOff,
      float[] dBias, int dBiasOff, float[] dOut, int dOutOff, float[] pooled, int pooledOff,
      int[] argmax, int argOff, float[] x, int xOff, float[] w, int wOff, Conv2dGeometry conv,
      Pool2dGeometry pool) {
    check(kernel, conv, pool);
    if (dx != null) {
      Conv.input(kernel, "dx", dx, dxOff, conv);
    }
    Conv.weight(kernel, "dw", dw, dwOff, conv);
    if (dBias != null) {
      Conv.perChannel(kernel, "dBias", dBias, dBiasOff, conv);
    }
    Checks.range(kernel, "dOut", dOut, dOutOff, pool.outputSize());
    Checks.range(kernel, "argmax", argmax, argOff, pool.outputSize());
    Conv.input(kernel, "x", x, xOff, conv);
    Conv.weight(kernel, "w", w, wOff, conv);
    int parts = Im2colConv.weightParts(conv);
    int partSize = conv.weightSize() + conv.outChannels();
    Pass p = PASSES.get().set(conv, pool, false, dOut, dOutOff, argmax, argOff, x, xOff, w,
        wOff, dBias, dBiasOff);
    p.dx = dx;
    p.dxOff = dxOff;
    p.relu = pooled;
    p.reluOff = pooledOff;
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
   * gradient (of the relu's output where there is a relu); {@code bias} the bias, or its
   * gradient; {@code relu} null, or the relu's output (forward) or the pooled values it was
   * applied to (backward).
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
    float[] relu;
    int reluOff;
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
      out = x = w = bias = dx = partial = relu = null;
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
        if (relu != null) {
          ACTIVATIONS.relu(relu, reluOff + n * pooled, out, outOff + n * pooled, pooled);
        }
      }
    }

    /**
     * The part's images in order: the pooled gradient through the relu (if any) and spread back
     * to dy, then each gradient of the image.
     */
    private void backwardPart(int part) {
      float[] dy = IMAGES.get().floats(image.outputSize());
      int pooled = poolImage.outputSize();
      float[] dPooled = relu == null ? out : POOLED.get().floats(pooled);
      int at = part * (conv.weightSize() + conv.outChannels());
      int biasAt = at + conv.weightSize();
      Arrays.fill(partial, at, biasAt + conv.outChannels(), 0f);
      int first = part * perPart;
      int last = Math.min(conv.batch(), first + perPart);
      for (int n = first; n < last; n++) {
        int dPooledOff = outOff + n * pooled;
        if (relu != null) {
          ACTIVATIONS.reluBackward(dPooled, 0, out, outOff + n * pooled, relu,
              reluOff + n * pooled, pooled);
          dPooledOff = 0;
        }
        POOL.maxPoolBackward(dy, 0, dPooled, dPooledOff, argmax, argOff + n * pooled,
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
