package dev.lanes.layers.optim;

import dev.lanes.layers.Param;
import java.util.List;

/**
 * Updates parameters from their gradients. An optimizer keeps per-parameter state (momentum,
 * moment estimates) keyed by the {@link Param} object, created on the first step, so a step in
 * steady state allocates nothing.
 */
public interface Optimizer {
  /** One update of every parameter from its current gradient, with learning rate lr. */
  void step(List<Param> params, float lr);
}
