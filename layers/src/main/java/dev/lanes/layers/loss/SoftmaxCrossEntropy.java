package dev.lanes.layers.loss;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.kernel.Activations;
import dev.lanes.core.kernel.Elementwise;
import dev.lanes.core.kernel.Reductions;
import dev.lanes.core.kernel.Softmax;

/**
 * Softmax followed by cross-entropy, fused: from logits z (N, C) and class labels y (N), given as
 * whole floats in [0, C),
 *
 * <pre>
 *   log p[n][c] = z[n][c] - log Σ_c' exp(z[n][c'])          (log-sum-exp, stable for any z)
 *   q[n][c]     = (1 - ε)·[c = y_n] + ε / C                 (label smoothing ε, 0 by default)
 *   loss        = -(1/N) Σ_n Σ_c q[n][c] · log p[n][c]
 *   ∂loss/∂z    = (softmax(z) - q) / N
 * </pre>
 *
 * <p>As PyTorch's {@code CrossEntropyLoss(label_smoothing=ε)} with the default 'mean' reduction
 * (https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html). Fusing the two
 * keeps the loss finite for logits of any size (softmax would round to 0 and log(0) = -Inf) and
 * makes the gradient the simple difference above.
 *
 * <p>Not thread-safe: forward keeps the log-probabilities and labels for backward, in
 * workspaces sized by the first batch and grown only for a larger one. NaN logits give a NaN
 * loss (so a diverged network shows); bad labels throw.
 */
public final class SoftmaxCrossEntropy implements Loss {
  private static final String NAME = "SoftmaxCrossEntropy";

  private final float labelSmoothing;

  private float[] logProb = new float[0]; // (N, C): log softmax of the last logits
  private int[] labels = new int[0];      // (N): the last labels as indices
  private float[] smoothRow = new float[0]; // (C): ε / C in every entry, filled by backward
  private Shape lastShape;                // (N, C) of the last forward, null before the first

  /** Without label smoothing. */
  public SoftmaxCrossEntropy() {
    this(0f);
  }

  /**
   * With label smoothing ε in [0, 1] (PyTorch's range): the target puts 1 - ε on the label and
   * spreads ε evenly over all C classes.
   */
  public SoftmaxCrossEntropy(float labelSmoothing) {
    if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
      throw new IllegalArgumentException(
          NAME + ": label smoothing must be in [0, 1], got " + labelSmoothing);
    }
    this.labelSmoothing = labelSmoothing;
  }

  public float labelSmoothing() {
    return labelSmoothing;
  }

  /**
   * The mean loss of logits (N, C) against labels (N).
   *
   * @throws IllegalArgumentException if the shapes are not (N, C) and (N) with N, C ≥ 1, or a
   *     label is NaN, not a whole number, or outside [0, C); the message names the sample
   */
  @Override
  public float forward(Tensor output, Tensor target) {
    checkShapes(output, target);
    int n = output.dim(0);
    int c = output.dim(1);
    ensureCapacity(n, c);
    readLabels(target, n, c);

    float[] z = output.data();
    Softmax.logSoftmaxRows(logProb, 0, z, output.offset(), n, c);
    float eps = labelSmoothing;
    double total = 0; // summed in double: N terms of similar size
    for (int i = 0; i < n; i++) {
      int row = i * c;
      double nll = -logProb[row + labels[i]];
      if (eps > 0f) {
        // the smoothing part of the target is uniform, so it needs the row's sum of log p
        double uniform = -Reductions.sum(logProb, row, c) / c;
        total += (1 - eps) * nll + eps * uniform;
      } else {
        total += nll;
      }
    }
    lastShape = output.shape();
    return (float) (total / n);
  }

  /** dOutput (N, C) := (softmax(z) - q) / N for the last forward. */
  @Override
  public void backward(Tensor dOutput) {
    LossChecks.backward(NAME, lastShape, dOutput);
    int n = lastShape.dim(0);
    int c = lastShape.dim(1);
    float[] d = dOutput.data();
    int off = dOutput.offset();
    // softmax = exp(log softmax): reuses forward's stable log-probabilities
    Activations.exp(d, off, logProb, 0, n * c);
    if (labelSmoothing > 0f) {
      Elementwise.fill(smoothRow, 0, labelSmoothing / c, c);
      for (int i = 0; i < n; i++) {
        Elementwise.sub(d, off + i * c, d, off + i * c, smoothRow, 0, c);
      }
    }
    float onLabel = 1f - labelSmoothing;
    for (int i = 0; i < n; i++) {
      d[off + i * c + labels[i]] -= onLabel;
    }
    // A plain loop, not Elementwise.scale: compiled into this method after the exp kernel, the
    // scale kernel's Vector API calls ran past C2's inlining budget and were boxed on the heap
    // (224 bytes a step, in steady state, with two threads). The same products as scale's.
    float invN = 1f / n;
    for (int i = off, end = off + n * c; i < end; i++) {
      d[i] *= invN;
    }
  }

  private static void checkShapes(Tensor output, Tensor target) {
    Shape o = output.shape();
    if (o.rank() != 2 || o.dim(0) == 0 || o.dim(1) == 0) {
      throw new IllegalArgumentException(NAME + ": expected logits (N, C) with N, C ≥ 1, got "
          + o + (o.rank() > 2 ? "; flatten the output first" : ""));
    }
    Shape t = target.shape();
    if (t.rank() != 1 || t.dim(0) != o.dim(0)) {
      throw new IllegalArgumentException(NAME + ": expected labels (" + o.dim(0)
          + ") for logits " + o + ", got labels " + t
          + "; labels are class indices stored as whole floats, one per sample");
    }
  }

  private void readLabels(Tensor target, int n, int c) {
    float[] t = target.data();
    int off = target.offset();
    for (int i = 0; i < n; i++) {
      float y = t[off + i];
      if (Float.isNaN(y)) {
        throw new IllegalArgumentException(NAME + ": label of sample " + i + " is NaN");
      }
      if (!(y >= 0f && y < c)) {
        throw new IllegalArgumentException(NAME + ": label " + y + " of sample " + i
            + " is outside [0, " + c + ")");
      }
      if (y != (float) Math.floor(y)) {
        throw new IllegalArgumentException(NAME + ": label " + y + " of sample " + i
            + " is not a whole number; labels are class indices");
      }
      labels[i] = (int) y;
    }
  }

  private void ensureCapacity(int n, int c) {
    if (logProb.length < n * c) {
      logProb = new float[n * c];
    }
    if (labels.length < n) {
      labels = new int[n];
    }
    if (smoothRow.length < c) {
      smoothRow = new float[c];
    }
  }
}
