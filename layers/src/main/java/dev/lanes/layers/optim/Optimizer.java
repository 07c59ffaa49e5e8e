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

  /**
   * A copy of what this optimizer keeps for {@code p} (see {@link ParamState}), to save for
   * resuming; null when it keeps nothing for it (before its first step, or an optimizer with no
   * state, such as SGD without momentum).
   */
  default ParamState state(Param p) {
    return null;
  }

  /**
   * Makes {@code state} (taken by {@link #state} of an optimizer of the same kind and settings,
   * perhaps through a file) the state of {@code p}, so that training resumes where it stopped.
   *
   * @throws IllegalArgumentException if a buffer the settings need is missing or does not have
   *     the parameter's size
   * @throws UnsupportedOperationException for an optimizer that cannot restore state
   */
  default void restoreState(Param p, ParamState state) {
    throw new UnsupportedOperationException(getClass().getSimpleName()
        + " cannot restore saved state");
  }
}
