package dev.lanes.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Tensor;
import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import org.junit.jupiter.api.Test;

/** Per-feature and global standardisation, fitted on one set and applied to another. */
class NormalizationTest {
  private static Dataset rows(float[][] rows) {
    int f = rows[0].length;
    float[] a = new float[rows.length * f];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, a, i * f, f);
    }
    return Dataset.ofLabels(Tensor.wrap(a, rows.length, f), new int[rows.length], 1);
  }

  @Test
  void perFeatureByHand() {
    // feature 0: 1, 3 -> mean 2, std 1; feature 1: 10, 10 -> constant, std taken as 1
    Dataset train = rows(new float[][] {{1, 10}, {3, 10}});
    Normalization n = Normalization.perFeature(train);
    assertArrayEquals(new float[] {2, 10}, n.mean());
    assertArrayEquals(new float[] {1, 1}, n.std());
    assertTrue(n.isPerFeature());
    assertArrayEquals(new float[] {-1, 0, 1, 0}, n.apply(train).features().toArray());
    // the test set goes through the training statistics, not its own
    Dataset test = rows(new float[][] {{5, 12}});
    assertArrayEquals(new float[] {3, 2}, n.apply(test).features().toArray());
    assertArrayEquals(new float[] {5, 12}, test.features().toArray(), "input unchanged");
  }

  @Test
  void globalAndDivideBy() {
    Dataset d = rows(new float[][] {{0, 2}, {4, 6}}); // mean 3, population std sqrt(5)
    Normalization g = Normalization.global(d);
    assertFalse(g.isPerFeature());
    assertEquals(3f, g.mean()[0]);
    assertEquals((float) Math.sqrt(5), g.std()[0]);
    Normalization bytes = Normalization.divideBy(255);
    Dataset pixels = rows(new float[][] {{0, 1, 128, 255}});
    float[] out = bytes.apply(pixels).features().toArray();
    for (int i = 0; i < 4; i++) {
      assertEquals(pixels.features().data()[i] / 255f, out[i], "exactly x / 255");
    }
  }

  @Test
  void afterPerFeatureFittingEachFeatureHasMeanZeroAndStdOne() {
    Property.named("standardised features have mean 0 and std 1").tries(50).check(c -> {
      int n = c.size("n", 2, 60);
      int f = c.size("f", 1, 9);
      float[] x = c.floats("x", n * f, -1000, 1000);
      float[] shift = c.floats("shift", f, -1e4f, 1e4f);
      for (int i = 0; i < x.length; i++) {
        x[i] += shift[i % f];
      }
      Dataset d = Dataset.ofLabels(Tensor.wrap(x, n, f), new int[n], 1);
      float[] z = Normalization.perFeature(d).apply(d).features().toArray();
      for (int j = 0; j < f; j++) {
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
          sum += z[i * f + j];
          sq += (double) z[i * f + j] * z[i * f + j];
        }
        FloatAsserts.assertClose("mean of feature " + j, 0f, (float) (sum / n), 1e-4, 0);
        FloatAsserts.assertClose("variance of feature " + j, 1f, (float) (sq / n), 1e-3, 0);
      }
    });
  }

  @Test
  void messages() {
    Normalization n = Normalization.perFeature(rows(new float[][] {{1, 2, 3}}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> n.apply(Tensor.zeros(2, 4)));
    assertEquals("Normalization: fitted on samples of 3 values, cannot apply to features (2, 4)"
        + " (4 values per sample)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Normalization.divideBy(0));
    assertThrows(IllegalArgumentException.class,
        () -> Normalization.of(new float[] {0}, new float[] {-1}, false));
    assertThrows(IllegalArgumentException.class,
        () -> Normalization.of(new float[] {0, 0}, new float[] {1, 1}, false));
    assertThrows(IllegalArgumentException.class, () -> Normalization.perFeature(
        Dataset.ofLabels(Tensor.zeros(0, 3), new int[0], 1)));
    Normalization restored = Normalization.of(n.mean(), n.std(), true);
    assertArrayEquals(n.apply(Tensor.wrap(new float[] {4, 5, 6}, 1, 3)).toArray(),
        restored.apply(Tensor.wrap(new float[] {4, 5, 6}, 1, 3)).toArray());
  }
}
