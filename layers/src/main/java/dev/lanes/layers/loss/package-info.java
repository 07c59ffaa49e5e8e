/**
 * Training losses: {@link dev.lanes.layers.loss.SoftmaxCrossEntropy} (logits and class labels,
 * optional label smoothing), {@link dev.lanes.layers.loss.MeanSquaredError} and {@link
 * dev.lanes.layers.loss.BinaryCrossEntropyWithLogits}, each the mean over all its terms as
 * PyTorch's default 'mean' reduction.
 *
 * <p>Losses take raw network outputs (logits), never probabilities: the fused forms stay finite
 * for any logit and their gradients are simple differences. Class labels travel as a (N) tensor
 * of whole floats, so data sets need only float tensors.
 */
package dev.lanes.layers.loss;
