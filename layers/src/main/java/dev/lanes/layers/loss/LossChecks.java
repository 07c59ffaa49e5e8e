package dev.lanes.layers.loss;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;

/**
 * Front-door checks shared by the losses. Every message starts with the loss's name and states
 * the received value or shape; messages are only built when a check fails, so a passing check
 * allocates nothing.
 */
final class LossChecks {
  private LossChecks() {}

  /** Output of rank ≥ 1 with at least one sample: a mean over no samples is undefined. */
  static void batch(String loss, Tensor output) {
    if (output.shape().rank() == 0 || output.dim(0) == 0) {
      throw new IllegalArgumentException(
          loss + ": expected output (N, ...) with N ≥ 1, got " + output.shape());
    }
  }

  static void sameShape(String loss, Tensor output, Tensor target) {
    if (!output.shape().equals(target.shape())) {
      throw new IllegalArgumentException(loss + ": output " + output.shape() + " and target "
          + target.shape() + " differ in shape; they must match element for element");
    }
  }

  /** The sample (index along dimension 0) that flat element {@code i} of t belongs to. */
  static int sampleOf(Tensor t, int i) {
    int sample = t.shape().sampleSize();
    return sample == 0 ? 0 : i / sample;
  }

  /** Fails unless backward's dOutput has the shape of the last forward's output. */
  static void backward(String loss, Shape last, Tensor dOutput) {
    if (last == null) {
      throw new IllegalStateException(loss + ": backward() called before forward()");
    }
    if (!dOutput.shape().equals(last)) {
      throw new IllegalArgumentException(loss + ": dOutput " + dOutput.shape()
          + " does not match the output " + last + " of the last forward()");
    }
  }
}
