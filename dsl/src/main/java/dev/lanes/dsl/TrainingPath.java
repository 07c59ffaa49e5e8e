package dev.lanes.dsl;

import dev.lanes.core.Tensor;
import dev.lanes.layers.Conv2d;
import dev.lanes.layers.Layer;
import dev.lanes.layers.MaxPool2d;
import dev.lanes.layers.PooledConv2d;
import dev.lanes.layers.PooledRelu;
import dev.lanes.layers.Relu;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's layers as a training step runs them: forward in training mode, then backward from
 * the loss gradient, with two fusions that give the same bits as the layers one by one:
 * <ul>
 *   <li>Where a relu is followed by max pooling (a CNN's conv, relu, pool) the step pools first
 *       and applies relu to the pooled values, a quarter as many with 2x2 windows, in both
 *       directions. That is exact: relu is monotone, so the largest of a window's relu values
 *       is the relu of its largest value, and the gradient reaches the same input either way
 *       (the window's maximum if it is positive; where it is not, nothing: relu first sends it
 *       to the window's first zero, whose relu derivative is 0). Relu took 5.3% of a CNN
 *       training step in a JFR profile, before this. The relu then runs inside the pooling's
 *       step, on each block of pooled values while it is in the cache ({@link PooledRelu}), not
 *       as a pass of its own.
 *   <li>A convolution followed by that pooling (directly, or through the relu moved past it)
 *       runs image by image where the kernels allow ({@link PooledConv2d}), so that its output
 *       is never stored; the relu, if any, on each image's pooled values.
 * </ul>
 * {@code TrainingPathTest} trains both ways bit for bit.
 *
 * <p>The layers themselves keep their places, names and shapes (summary, file format and the
 * inference path do not change).
 */
final class TrainingPath {
  /** One step of the path: a layer, or layers fused. */
  private interface Step {
    Tensor forward(Tensor x);

    Tensor backward(Tensor dOut);

    /** The parameters' gradients only: the first step's input needs none. */
    void backwardParameters(Tensor dOut);
  }

  private final Step[] steps;

  private TrainingPath(Step[] steps) {
    this.steps = steps;
  }

  /** The path through {@code layers}, with the fusions above if {@code fuse}. */
  static TrainingPath of(List<Layer> layers, boolean fuse) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Layer next = i + 1 < layers.size() ? layers.get(i + 1) : null;
      Layer after = i + 2 < layers.size() ? layers.get(i + 2) : null;
      if (fuse && layer instanceof Conv2d conv && next instanceof Relu
          && after instanceof MaxPool2d pool && PooledConv2d.fuses(conv, pool)) {
        steps.add(new PooledConvStep(new PooledConv2d(conv, pool, true)));
        i += 2;
      } else if (fuse && layer instanceof Conv2d conv && next instanceof MaxPool2d pool
          && PooledConv2d.fuses(conv, pool)) {
        steps.add(new PooledConvStep(new PooledConv2d(conv, pool)));
        i++;
      } else if (fuse && layer instanceof Relu && next instanceof MaxPool2d pool) {
        steps.add(new PooledReluStep(new PooledRelu(pool)));
        i++;
      } else {
        steps.add(new LayerStep(layer));
      }
    }
    return new TrainingPath(steps.toArray(new Step[0]));
  }

  /** The training forward through every step. */
  Tensor forward(Tensor x) {
    Tensor out = x;
    for (Step step : steps) {
      out = step.forward(out);
    }
    return out;
  }

  /** The backward pass from the loss gradient, leaving out the model input's gradient. */
  void backward(Tensor dOut) {
    Tensor d = dOut;
    for (int i = steps.length - 1; i > 0; i--) {
      d = steps[i].backward(d);
    }
    if (steps.length > 0) {
      steps[0].backwardParameters(d);
    }
  }

  private record LayerStep(Layer layer) implements Step {
    @Override
    public Tensor forward(Tensor x) {
      return layer.forward(x, true);
    }

    @Override
    public Tensor backward(Tensor dOut) {
      return layer.backward(dOut);
    }

    @Override
    public void backwardParameters(Tensor dOut) {
      layer.backwardParameters(dOut);
    }
  }

  private record PooledConvStep(PooledConv2d layers) implements Step {
    @Override
    public Tensor forward(Tensor x) {
      return layers.forward(x);
    }

    @Override
    public Tensor backward(Tensor dOut) {
      return layers.backward(dOut);
    }

    @Override
    public void backwardParameters(Tensor dOut) {
      layers.backwardParameters(dOut);
    }
  }

  /** Max pooling then relu: the first step of a path never needs this one's input gradient. */
  private record PooledReluStep(PooledRelu layers) implements Step {
    @Override
    public Tensor forward(Tensor x) {
      return layers.forward(x);
    }

    @Override
    public Tensor backward(Tensor dOut) {
      return layers.backward(dOut);
    }

    @Override
    public void backwardParameters(Tensor dOut) {
      // no parameters
    }
  }
}
