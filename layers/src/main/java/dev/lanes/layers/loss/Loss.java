package dev.lanes.layers.loss;

import dev.lanes.core.Tensor;

/**
 * A training loss: the mean over the batch of a per-sample loss between the network's output
 * and a target, and its gradient with respect to the output.
 */
public interface Loss {
  /**
   * The mean loss of a batch. {@code output} is (N, ...); {@code target} is a tensor of the same
   * shape, or of shape (N) holding class indices, as the loss documents.
   *
   * @throws IllegalArgumentException for shapes that do not fit, labels out of range or NaN
   *     in targets, naming the loss and the sample
   */
  float forward(Tensor output, Tensor target);

  /** Overwrites dOutput (the shape of output) with ∂loss/∂output for the last forward. */
  void backward(Tensor dOutput);
}
