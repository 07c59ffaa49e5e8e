package dev.lanes.layers;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;

/**
 * A layer's reusable buffer: a tensor of (batch, sample...) over an array that grows to the
 * largest batch seen and is then reused, so that a training step in steady state allocates
 * nothing (a new batch size allocates one small view object).
 */
public final class Workspace {
  private float[] data = new float[0];
  private Tensor view;

  /** A tensor of shape (batch, sample...); its contents are whatever the last use left. */
  public Tensor get(int batch, Shape sample) {
    if (view != null && view.dim(0) == batch && view.shape().isBatchOf(sample)) {
      return view;
    }
    int need = batch * sample.size();
    if (data.length < need) {
      data = new float[need];
    }
    view = new Tensor(data, 0, sample.prepend(batch));
    return view;
  }
}
