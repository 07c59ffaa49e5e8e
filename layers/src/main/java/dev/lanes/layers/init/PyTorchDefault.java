package dev.lanes.layers.init;

import dev.lanes.core.Tensor;
import java.util.random.RandomGenerator;

/**
 * PyTorch's default for the weight and the bias of {@code Linear} and {@code Conv2d}:
 *
 * <pre>
 *   U(-1/√fanIn, 1/√fanIn)          (Var = 1 / (3·fanIn))
 * </pre>
 *
 * For the weight PyTorch calls {@code kaiming_uniform_(w, a=√5)}: gain √(2/(1 + 5)) = √(1/3)
 * and bound gain·√(3/fanIn), which is 1/√fanIn; for the bias it draws from the same range with
 * the weight's fan-in (https://pytorch.org/docs/stable/generated/torch.nn.Linear.html). Pass a
 * bias the fans of its weight. A fan-in of 0 gives zeros, as PyTorch's bias rule does.
 */
public record PyTorchDefault() implements Initializer {
  @Override
  public void fill(Tensor t, int fanIn, int fanOut, RandomGenerator random) {
    Draw.fans("PyTorchDefault", t, fanIn, fanOut, random);
    Draw.uniform(t, fanIn == 0 ? 0f : (float) (1 / Math.sqrt(fanIn)), random);
  }
}
