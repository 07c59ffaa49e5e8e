package dev.lanes.layers.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an optimizer keeps for one parameter between steps, to save with a model and resume
 * training from: a step count and named arrays the size of the parameter, under the names of
 * PyTorch's optimizer {@code state_dict} ({@code exp_avg}, {@code exp_avg_sq},
 * {@code momentum_buffer}, {@code square_avg}, {@code grad_avg}).
 *
 * @param step updates of the parameter so far (Adam's t); 0 for optimizers that do not count
 * @param buffers the arrays by name, in a fixed order; the record holds its own copy of the map,
 *     not of the arrays
 */
public record ParamState(int step, Map<String, float[]> buffers) {
  public ParamState {
    if (step < 0) {
      throw new IllegalArgumentException("ParamState: step must be >= 0, got " + step);
    }
    buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
  }

  /**
   * The buffer {@code name}, checked against the parameter's size, for an optimizer restoring
   * its state.
   *
   * @throws IllegalArgumentException naming the owner, the parameter and the buffer when it is
   *     missing or has another size
   */
  float[] require(String owner, String param, String name, int size) {
    float[] b = buffers.get(name);
    if (b == null) {
      throw new IllegalArgumentException(owner + ": the state of " + param + " has no '" + name
          + "' (it has " + buffers.keySet() + ")");
    }
    if (b.length != size) {
      throw new IllegalArgumentException(owner + ": '" + name + "' of " + param + " has "
          + b.length + " values but the parameter has " + size);
    }
    return b.clone();
  }
}
