package dev.lanes.dsl;

import java.util.Locale;

/**
 * The result of {@link Model#evaluate}: the mean loss and, for classification, accuracy, the
 * confusion matrix ({@code confusion[actual][predicted]}) and per-class precision, recall and F1.
 */
public record Evaluation(double loss, double accuracy, int[][] confusion) {
  public int classes() {
    return confusion == null ? 0 : confusion.length;
  }

  /** Of the samples predicted as class c, the fraction that are c (NaN if none was predicted c). */
  public double precision(int c) {
    int predicted = 0;
    for (int[] row : confusion) {
      predicted += row[c];
    }
    return predicted == 0 ? Double.NaN : (double) confusion[c][c] / predicted;
  }

  /** Of the samples of class c, the fraction predicted as c (NaN if there were none). */
  public double recall(int c) {
    int actual = 0;
    for (int v : confusion[c]) {
      actual += v;
    }
    return actual == 0 ? Double.NaN : (double) confusion[c][c] / actual;
  }

  /** The harmonic mean of precision and recall (0 when both are 0). */
  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** A per-class table: class, precision, recall, F1, support. */
  public String table() {
    StringBuilder sb = new StringBuilder("class  precision  recall     f1  support\n");
    for (int c = 0; c < classes(); c++) {
      int support = 0;
      for (int v : confusion[c]) {
        support += v;
      }
      sb.append(String.format(Locale.ROOT, "%5d  %9.4f  %6.4f  %5.4f  %7d%n", c, precision(c),
          recall(c), f1(c), support));
    }
    return sb.toString();
  }
}
