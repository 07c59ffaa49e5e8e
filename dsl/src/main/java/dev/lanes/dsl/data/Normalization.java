package dev.lanes.dsl.data;

import dev.lanes.core.Tensor;

/**
 * A fitted normalisation of features, x' = (x − mean) / std, with one (mean, std) pair per
 * feature or one for all values. Fit it on the training set and apply the same to validation,
 * test and prediction inputs, so that all of them go through one transformation:
 *
 * <pre>{@code
 * Normalization norm = Normalization.perFeature(train);
 * Dataset trainN = norm.apply(train), testN = norm.apply(test);
 * }</pre>
 *
 * <p>Statistics are summed in double over all samples (two passes: mean, then the mean squared
 * deviation), so they do not drift with N. The std is the population one (divided by N), as
 * scikit-learn's {@code StandardScaler}. A feature that does not vary (std below 10·ε of
 * float32, scikit-learn's threshold) gets std 1: it is centred, not divided by almost zero.
 */
public final class Normalization {
  private static final double CONSTANT = 10 * Math.ulp(1f);

  private final float[] mean; // (F) per feature, or (1) for all values
  private final float[] std;  // the same length, every entry > 0
  private final boolean perFeature;

  private Normalization(float[] mean, float[] std, boolean perFeature) {
    this.mean = mean;
    this.std = std;
    this.perFeature = perFeature;
  }

  /** One mean and std per feature position (per element of a sample), fitted on {@code data}. */
  public static Normalization perFeature(Dataset data) {
    requireSamples(data);
    Tensor x = data.features();
    int f = x.shape().sampleSize();
    int n = data.size();
    double[] sum = new double[f];
    forEachRow(x, (row, a, off) -> {
      for (int j = 0; j < f; j++) {
        sum[j] += a[off + j];
      }
    });
    double[] m = new double[f];
    for (int j = 0; j < f; j++) {
      m[j] = sum[j] / n;
    }
    double[] sq = new double[f];
    forEachRow(x, (row, a, off) -> {
      for (int j = 0; j < f; j++) {
        double d = a[off + j] - m[j];
        sq[j] += d * d;
      }
    });
    float[] mean = new float[f];
    float[] std = new float[f];
    for (int j = 0; j < f; j++) {
      mean[j] = (float) m[j];
      std[j] = stdOf(sq[j] / n);
    }
    return new Normalization(mean, std, true);
  }

  /** One mean and std over every value of every sample, fitted on {@code data}. */
  public static Normalization global(Dataset data) {
    requireSamples(data);
    Tensor x = data.features();
    float[] a = x.data();
    int size = x.size();
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += a[x.offset() + i];
    }
    double m = sum / size;
    double sq = 0;
    for (int i = 0; i < size; i++) {
      double d = a[x.offset() + i] - m;
      sq += d * d;
    }
    return new Normalization(new float[] {(float) m}, new float[] {stdOf(sq / size)}, false);
  }

  /** Division by a constant, such as 255 for bytes to [0, 1]: mean 0, std {@code divisor}. */
  public static Normalization divideBy(float divisor) {
    if (!(divisor > 0) || !Float.isFinite(divisor)) {
      throw new IllegalArgumentException("Normalization: divisor must be finite and > 0, got "
          + divisor);
    }
    return new Normalization(new float[] {0f}, new float[] {divisor}, false);
  }

  /**
   * A normalisation with the given statistics, as saved from {@link #mean()}, {@link #std()}
   * and {@link #isPerFeature()}: both of length F per feature, or 1 for all values.
   */
  public static Normalization of(float[] mean, float[] std, boolean perFeature) {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("Normalization: mean and std need the same, non-zero"
          + " length, got " + mean.length + " and " + std.length);
    }
    if (!perFeature && mean.length != 1) {
      throw new IllegalArgumentException("Normalization: a global one has one mean and one std,"
          + " got " + mean.length);
    }
    for (int j = 0; j < std.length; j++) {
      if (!(std[j] > 0) || !Float.isFinite(std[j]) || !Float.isFinite(mean[j])) {
        throw new IllegalArgumentException("Normalization: entry " + j + " has mean " + mean[j]
            + " and std " + std[j] + "; need finite values and std > 0");
      }
    }
    return new Normalization(mean.clone(), std.clone(), perFeature);
  }

  private static void requireSamples(Dataset data) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("Normalization: cannot fit on an empty data set");
    }
  }

  private static float stdOf(double variance) {
    double s = Math.sqrt(variance);
    return s < CONSTANT ? 1f : (float) s;
  }

  /** Whether there is one (mean, std) per feature (else one for all values). */
  public boolean isPerFeature() {
    return perFeature;
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] std() {
    return std.clone();
  }

  /** A data set with normalised features (a new array) and the same labels or targets. */
  public Dataset apply(Dataset data) {
    return data.withFeatures(apply(data.features()));
  }

  /** Normalised features (N, ...) in a new tensor; {@code features} is unchanged. */
  public Tensor apply(Tensor features) {
    Tensor out = features.copy();
    applyInPlace(out);
    return out;
  }

  /** Normalises features (N, ...) in place. */
  public void applyInPlace(Tensor features) {
    int f = features.shape().rank() < 2 ? 0 : features.shape().sampleSize();
    if (perFeature && f != mean.length) {
      throw new IllegalArgumentException("Normalization: fitted on samples of " + mean.length
          + " values, cannot apply to features " + features.shape() + " ("
          + (features.shape().rank() < 2 ? "no sample dimensions" : f + " values per sample")
          + ")");
    }
    float[] a = features.data();
    int off = features.offset();
    int size = features.size();
    int period = mean.length;
    // a true division, not a multiplication by 1/std: divideBy(255) then gives exactly x / 255
    for (int i = 0; i < size; i++) {
      int j = period == 1 ? 0 : i % period;
      a[off + i] = (a[off + i] - mean[j]) / std[j];
    }
  }

  @FunctionalInterface
  private interface RowVisitor {
    void visit(int row, float[] data, int offset);
  }

  private static void forEachRow(Tensor x, RowVisitor v) {
    int f = x.shape().sampleSize();
    for (int r = 0; r < x.dim(0); r++) {
      v.visit(r, x.data(), x.offset() + r * f);
    }
  }

  @Override
  public String toString() {
    return isPerFeature() ? "Normalization(per feature, " + mean.length + " features)"
        : "Normalization(global, mean " + mean[0] + ", std " + std[0] + ")";
  }
}
