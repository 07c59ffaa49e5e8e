package dev.lanes.dsl.data;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.Arrays;

/**
 * An in-memory data set: features (N, ...) and, per sample, either a class label in
 * [0, numClasses) or a target tensor (N, ...). Images are (N, C, H, W), tabular data (N, F).
 *
 * <p>The features and targets are not copied: the data set is a view of the tensors it was
 * given, so do not change them while it is in use. Operations that pick samples in another
 * order ({@link #subset(int[])}, {@link #split}, normalisation) copy into new arrays;
 * {@link #subset(int, int)} is a view.
 *
 * <p>Every value must be finite: a NaN in the data would turn the loss into NaN many steps
 * later, far from its cause, so it is refused here with the sample and element that hold it.
 */
public final class Dataset {
  private final Tensor features; // (N, ...)
  private final int[] labels;    // (N) class indices in [0, numClasses); null with targets
  private final int numClasses;  // 0 with targets
  private final Tensor targets;  // (N, ...); null with labels

  private Dataset(Tensor features, int[] labels, int numClasses, Tensor targets) {
    this.features = features;
    this.labels = labels;
    this.numClasses = numClasses;
    this.targets = targets;
  }

  /**
   * Features (N, ...) with class labels in [0, numClasses).
   *
   * @throws IllegalArgumentException if the lengths differ, a label is out of range, or a
   *     feature is NaN or infinite; the message names the sample
   */
  public static Dataset ofLabels(Tensor features, int[] labels, int numClasses) {
    checkFeatures(features);
    if (numClasses < 1) {
      throw new IllegalArgumentException("Dataset: numClasses must be >= 1, got " + numClasses);
    }
    checkCount("labels", features, labels.length);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("Dataset: label " + labels[i] + " of sample " + i
            + " is outside [0, " + numClasses + ")");
      }
    }
    return new Dataset(features, labels.clone(), numClasses, null);
  }

  /** Features with class labels; the number of classes is the largest label plus one. */
  public static Dataset ofLabels(Tensor features, int[] labels) {
    int max = labels.length == 0 ? 0 : Arrays.stream(labels).max().getAsInt();
    return ofLabels(features, labels, Math.max(1, max + 1));
  }

  /**
   * Features with class labels given as a tensor (N) of whole numbers in [0, numClasses), the
   * form the losses take them in.
   */
  public static Dataset ofLabels(Tensor features, Tensor labels, int numClasses) {
    if (labels.shape().rank() != 1) {
      throw new IllegalArgumentException("Dataset: labels must be (N), got " + labels.shape());
    }
    int[] ints = new int[labels.size()];
    float[] a = labels.data();
    for (int i = 0; i < ints.length; i++) {
      float v = a[labels.offset() + i];
      if (!(v >= 0 && v < numClasses && v == Math.rint(v))) {
        throw new IllegalArgumentException("Dataset: label " + v + " of sample " + i
            + " is not a whole number in [0, " + numClasses + ")");
      }
      ints[i] = (int) v;
    }
    return ofLabels(features, ints, numClasses);
  }

  /** Features (N, ...) with target tensors (N, ...), for regression and similar losses. */
  public static Dataset ofTargets(Tensor features, Tensor targets) {
    checkFeatures(features);
    if (targets.shape().rank() < 1) {
      throw new IllegalArgumentException("Dataset: targets must be (N, ...), got a scalar");
    }
    checkCount("targets", features, targets.dim(0));
    checkFinite("target", targets);
    return new Dataset(features, null, 0, targets);
  }

  private static void checkFeatures(Tensor features) {
    if (features.shape().rank() < 2) {
      throw new IllegalArgumentException("Dataset: features must be (N, ...) with at least one"
          + " dimension per sample, got " + features.shape() + "; reshape(-1, 1) makes one"
          + " feature per sample");
    }
    checkFinite("feature", features);
  }

  private static void checkCount(String what, Tensor features, int count) {
    if (count != features.dim(0)) {
      throw new IllegalArgumentException("Dataset: features " + features.shape() + " have "
          + features.dim(0) + " samples but there are " + count + " " + what);
    }
  }

  static void checkFinite(String what, Tensor t) {
    float[] a = t.data();
    int n = t.size();
    int sample = t.shape().sampleSize();
    for (int i = 0; i < n; i++) {
      float v = a[t.offset() + i];
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("Dataset: " + what + " " + (i % sample)
            + " of sample " + (i / sample) + " is " + v);
      }
    }
  }

  /** The number of samples, N. */
  public int size() {
    return features.dim(0);
  }

  /** The shape of one sample's features: (C, H, W) for images, (F) for tabular data. */
  public Shape sampleShape() {
    return features.shape().dropFirst();
  }

  /** Whether samples carry class labels (else they carry targets). */
  public boolean hasLabels() {
    return labels != null;
  }

  /**
   * The number of classes.
   *
   * @throws IllegalStateException for a data set with targets instead of labels
   */
  public int numClasses() {
    requireLabels();
    return numClasses;
  }

  /** The features (N, ...), shared, not copied. */
  public Tensor features() {
    return features;
  }

  /** The class label of sample {@code i}. */
  public int label(int i) {
    requireLabels();
    return labels[i];
  }

  /** A copy of the class labels (N). */
  public int[] labels() {
    requireLabels();
    return labels.clone();
  }

  /** The targets (N, ...), shared, not copied. */
  public Tensor targets() {
    if (targets == null) {
      throw new IllegalStateException("Dataset: this data set has class labels, not targets");
    }
    return targets;
  }

  /** The shape of one sample's target: (1) for a scalar per sample, and so on. */
  public Shape targetShape() {
    return targets().shape().dropFirst();
  }

  private void requireLabels() {
    if (labels == null) {
      throw new IllegalStateException("Dataset: this data set has targets, not class labels");
    }
  }

  /** Labels without a copy, for the classes of this package. Null with targets. */
  int[] labelArray() {
    return labels;
  }

  /** Samples {@code [from, to)} as a view: no copy of features or targets. */
  public Dataset subset(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IllegalArgumentException("Dataset: subset [" + from + ", " + to
          + ") is out of range for " + size() + " samples");
    }
    return new Dataset(features.slice(from, to),
        labels == null ? null : Arrays.copyOfRange(labels, from, to), numClasses,
        targets == null ? null : targets.slice(from, to));
  }

  /** The samples at {@code indices}, in that order (repeats allowed), copied. */
  public Dataset subset(int[] indices) {
    for (int k = 0; k < indices.length; k++) {
      if (indices[k] < 0 || indices[k] >= size()) {
        throw new IllegalArgumentException("Dataset: subset index " + indices[k] + " at position "
            + k + " is out of range for " + size() + " samples");
      }
    }
    return new Dataset(gather(features, indices, indices.length),
        labels == null ? null : gatherLabels(labels, indices), numClasses,
        targets == null ? null : gather(targets, indices, indices.length));
  }

  private static int[] gatherLabels(int[] labels, int[] indices) {
    int[] out = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      out[k] = labels[indices[k]];
    }
    return out;
  }

  /** Rows {@code indices[0 .. n)} of {@code t} (N, ...) into a new tensor (n, ...). */
  private static Tensor gather(Tensor t, int[] indices, int n) {
    int sample = t.shape().sampleSize();
    Tensor out = Tensor.zeros(t.shape().withBatch(n));
    for (int k = 0; k < n; k++) {
      System.arraycopy(t.data(), t.offset() + indices[k] * sample, out.data(), k * sample,
          sample);
    }
    return out;
  }

  /** Two disjoint parts of a data set, together holding every sample once. */
  public record Split(Dataset first, Dataset second) {}

  /**
   * A random split: {@code first} gets {@code round(fraction · N)} samples, {@code second} the
   * rest, both in a seeded random order (the same seed always gives the same split). Both are
   * copies.
   */
  public Split split(double fraction, long seed) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("Dataset: split fraction must be in [0, 1], got "
          + fraction);
    }
    int n = size();
    int firstSize = (int) Math.round(fraction * n);
    int[] order = new int[n];
    Shuffle.permutation(order, n, seed);
    return new Split(subset(Arrays.copyOfRange(order, 0, firstSize)),
        subset(Arrays.copyOfRange(order, firstSize, n)));
  }

  /**
   * A view with each sample reshaped to {@code sampleDims} (the same number of values), e.g.
   * images (N, 1, 28, 28) as sequences of rows (N, 28, 28) for a recurrent model. -1 infers one
   * size.
   *
   * @throws IllegalArgumentException if the sizes do not multiply to the sample's size
   */
  public Dataset reshapeSamples(int... sampleDims) {
    int[] dims = new int[sampleDims.length + 1];
    dims[0] = size();
    System.arraycopy(sampleDims, 0, dims, 1, sampleDims.length);
    return withFeatures(features.reshape(dims));
  }

  /** A data set with the same labels or targets and the given features (N, ...). */
  Dataset withFeatures(Tensor newFeatures) {
    checkFeatures(newFeatures);
    checkCount(labels != null ? "labels" : "targets", newFeatures, size());
    return new Dataset(newFeatures, labels, numClasses, targets);
  }

  /** {@code Dataset(60000 samples of (1, 28, 28), 10 classes)}. */
  @Override
  public String toString() {
    return "Dataset(" + size() + " samples of " + sampleShape() + ", "
        + (labels != null ? numClasses + " classes)" : "targets " + targetShape() + ")");
  }
}
