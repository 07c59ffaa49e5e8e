package dev.lanes.dsl.data;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;

/**
 * One mini-batch from {@link Batches}: features (B, ...) and either labels (B) or targets
 * (B, ...). The tensors are views of buffers that {@link Batches} refills for the next batch,
 * so use a batch before asking for the next one, and copy what must outlive it.
 */
public final class Batch {
  private final Tensor features; // (B, ...)
  private final Tensor labels;   // (B): class indices as whole floats, the losses' form; or null
  private final Tensor targets;  // (B, ...), or null
  private final int[] indices;   // shared with Batches: the sample indices, from `start`
  private int start;             // where this batch's indices begin in `indices`

  Batch(int size, Shape sampleShape, float[] featureBuffer, float[] labelBuffer,
      Shape targetShape, float[] targetBuffer, int[] indices) {
    this.features = new Tensor(featureBuffer, 0, sampleShape.prepend(size));
    this.labels = labelBuffer == null ? null : new Tensor(labelBuffer, 0, Shape.of(size));
    this.targets = targetBuffer == null ? null
        : new Tensor(targetBuffer, 0, targetShape.prepend(size));
    this.indices = indices;
  }

  void setStart(int start) {
    this.start = start;
  }

  /** The number of samples, B (the last batch of an epoch may be smaller). */
  public int size() {
    return features.dim(0);
  }

  /** The features (B, ...). */
  public Tensor features() {
    return features;
  }

  /**
   * The class labels (B) as whole floats in [0, numClasses), as {@code SoftmaxCrossEntropy}
   * takes them.
   *
   * @throws IllegalStateException if the data set has targets instead
   */
  public Tensor labels() {
    if (labels == null) {
      throw new IllegalStateException("Batch: the data set has targets, not class labels");
    }
    return labels;
  }

  /**
   * The targets (B, ...).
   *
   * @throws IllegalStateException if the data set has class labels instead
   */
  public Tensor targets() {
    if (targets == null) {
      throw new IllegalStateException("Batch: the data set has class labels, not targets");
    }
    return targets;
  }

  /** What a loss compares the output with: the labels (B) or the targets (B, ...). */
  public Tensor target() {
    return labels != null ? labels : targets;
  }

  /** The data set index of row {@code row} of this batch. */
  public int index(int row) {
    if (row < 0 || row >= size()) {
      throw new IndexOutOfBoundsException("Batch: row " + row + " of a batch of " + size());
    }
    return indices[start + row];
  }
}
