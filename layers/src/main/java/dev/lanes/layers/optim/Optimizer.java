package dev.lanes.layers.optim;

import dev.lanes.layers.Param;
import java.util.List;

/**
 * Updates parameters from their gradients. An optimizer keeps per-parameter state (momentum,
 * moment estimates) keyed by the {@link Param} object, created on the first step, so a step in
 * steady state allocates nothing. It writes {@link Param#value()} in place and only reads
 * {@link Param#grad()}; zeroing the gradients is the training loop's job.
 */
public interface Optimizer {
  /**
   * One update of every parameter from its current gradient, with learning rate lr. The list is
   * walked by index (pass an ArrayList or List.of, not a LinkedList) so that no iterator is
   * allocated per step.
   *
   * @throws IllegalArgumentException if lr is negative, NaN or infinite; a rate of 0 is allowed
   *     (a schedule may end there) and leaves the weights unchanged except for state updates
   */
  void step(List<Param> params, float lr);
}
