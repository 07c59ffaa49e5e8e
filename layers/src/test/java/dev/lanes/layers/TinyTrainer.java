package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Reductions;
import dev.lanes.layers.loss.Loss;
import dev.lanes.layers.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The smallest training loop the layer tests need (the model builder lives in the dsl module):
 * shuffled mini-batches, forward, loss, backward, one optimizer step.
 */
final class TinyTrainer {
  private final List<Layer> layers;
  private final List<Param> params = new ArrayList<>();

  TinyTrainer(List<Layer> layers, Shape inputSample, long seed) {
    this.layers = layers;
    SplittableRandom random = new SplittableRandom(seed);
    Shape s = inputSample;
    for (Layer layer : layers) {
      s = layer.build(s, random.split());
      params.addAll(layer.params());
    }
  }

  /** Trains for the given epochs; returns the mean loss of the last epoch. */
  float fit(Tensor x, Tensor y, Loss loss, Optimizer optimizer, float lr, int epochs, int batch,
      long seed) {
    int n = x.dim(0);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    Tensor xb = Tensor.zeros(x.shape().withBatch(batch));
    Tensor yb = Tensor.zeros(y.shape().withBatch(batch));
    float last = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      double sum = 0;
      int steps = 0;
      for (int start = 0; start + batch <= n; start += batch) {
        for (int k = 0; k < batch; k++) {
          copySample(x, order[start + k], xb, k);
          copySample(y, order[start + k], yb, k);
        }
        params.forEach(Param::zeroGrad);
        Tensor out = xb;
        for (Layer layer : layers) {
          out = layer.forward(out, true);
        }
        sum += loss.forward(out, yb);
        Tensor d = Tensor.zeros(out.shape());
        loss.backward(d);
        for (int l = layers.size() - 1; l >= 0; l--) {
          d = layers.get(l).backward(d);
        }
        optimizer.step(params, lr);
        steps++;
      }
      last = (float) (sum / steps);
    }
    return last;
  }

  Tensor predict(Tensor x) {
    Tensor out = x;
    for (Layer layer : layers) {
      out = layer.infer(out);
    }
    return out;
  }

  /** The fraction of samples whose largest output is the label (y holds class indices). */
  double accuracy(Tensor x, Tensor labels) {
    Tensor out = predict(x);
    int n = out.dim(0);
    int[] predicted = new int[n];
    Reductions.argmaxRows(predicted, 0, out.data(), out.offset(), n, out.dim(1));
    int right = 0;
    for (int i = 0; i < n; i++) {
      if (predicted[i] == (int) labels.get(i)) {
        right++;
      }
    }
    return (double) right / n;
  }

  private static void copySample(Tensor from, int i, Tensor to, int k) {
    int size = from.shape().sampleSize();
    System.arraycopy(from.data(), from.offset() + i * size, to.data(), to.offset() + k * size,
        size);
  }
}
