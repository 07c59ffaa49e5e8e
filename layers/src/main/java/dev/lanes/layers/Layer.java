package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A network layer with an explicit forward and backward pass.
 *
 * <p>The life of a layer: it is created from its immutable {@link LayerConfig} and a name; {@link
 * #build} gives it the shape of one input sample (without the batch dimension), creates its
 * parameters and returns the shape of one output sample; then training alternates {@link
 * #forward} (which keeps what backward needs) and {@link #backward} (which adds into the
 * parameter gradients and returns the input gradient). Output and gradient tensors are the
 * layer's own buffers, sized by the first batch and reused: they stay valid until the next call.
 *
 * <p>{@link #infer} is the thread-safe inference path: it allocates its output, keeps nothing
 * and may run in many threads at once while no thread trains.
 */
public interface Layer {
  /** The name in messages and model files, such as {@code dense_2}. */
  String name();

  /** The immutable configuration this layer was created from. */
  LayerConfig config();

  /**
   * Creates the parameters for input samples of the given shape, drawing initial values (and,
   * for dropout, later masks) from {@code random}; returns the output sample shape.
   *
   * @throws IllegalArgumentException naming the layer when the shape does not fit it
   */
  Shape build(Shape inputSample, RandomGenerator random);

  /** The input sample shape given to {@link #build}. */
  Shape inputShape();

  /** The output sample shape {@link #build} returned. */
  Shape outputShape();

  /** The trainable parameters (value and gradient pairs), in file order. */
  default List<Param> params() {
    return List.of();
  }

  /**
   * State that is saved with the weights but not trained, such as batch norm's running
   * statistics (their gradients stay zero).
   */
  default List<Param> buffers() {
    return List.of();
  }

  /**
   * Computes the output for a batch (N, inputShape...). In training mode the layer remembers
   * what backward needs; dropout and batch norm behave differently in the two modes.
   *
   * @throws IllegalArgumentException naming the layer, the expected and the actual shape
   */
  Tensor forward(Tensor x, boolean training);

  /**
   * Given dOut, the gradient of the loss with respect to the last forward's output, adds the
   * parameter gradients into {@link Param#grad()} and returns the gradient with respect to the
   * input.
   *
   * @throws IllegalStateException if no training forward pass came first
   */
  Tensor backward(Tensor dOut);

  /**
   * {@link #backward} for a layer whose input gradient nobody reads (the first layer of a
   * model): adds the parameter gradients and may skip the input gradient, which for a first
   * convolution or dense layer is a third of its backward work. Layers without that shortcut
   * run {@link #backward} and drop its result.
   *
   * @throws IllegalStateException if no training forward pass came first
   */
  default void backwardParameters(Tensor dOut) {
    backward(dOut);
  }

  /** Inference on a batch: like {@code forward(x, false)} but into a new tensor, keeping nothing. */
  Tensor infer(Tensor x);

  /**
   * For gradient checks: while frozen, a layer that draws random numbers in training (dropout)
   * reuses its last draw, so repeated forward passes compute the same function.
   */
  default void freezeRandomness(boolean frozen) {}
}
