package dev.lanes.layers.loss;

import dev.lanes.core.Tensor;

/**
 * A training loss between the network's output and a target, averaged as PyTorch's default
 * 'mean' reduction does (over the samples for a loss per sample, over all elements for an
 * element-wise loss), and its gradient with respect to the output.
 *
 * <p>A loss keeps what its backward needs from the last forward in its own workspaces (sized by
 * the first batch, grown only for a larger one), so the caller may reuse the output and target
 * tensors in between, and a steady training step allocates nothing. One instance serves one
 * thread.
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

  /**
   * Overwrites dOutput (the shape of output) with ∂loss/∂output for the last forward.
   *
   * @throws IllegalStateException if no forward came first
   * @throws IllegalArgumentException if dOutput's shape is not that of the last output
   */
  void backward(Tensor dOutput);
}
