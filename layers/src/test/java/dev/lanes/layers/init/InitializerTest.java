package dev.lanes.layers.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.Property;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Sample statistics against each initializer's formula, bounds, repeatability by seed, fans,
 * gains and messages.
 *
 * <p>Statistics bounds are five standard errors for n = 20000 draws, with the seeds fixed by the
 * harness: the mean within 5σ/√n; the sample variance within 5·σ²·√((κ - 1)/n) of σ², κ the
 * kurtosis (9/5 uniform, 3 normal), that is 3.2% and 5%; for the normals, the share within one σ
 * within 5·√(p(1 - p)/n) of p = 0.6827 (a uniform of the same variance has 0.577).
 */
class InitializerTest {
  private static final int DRAWS = 20_000;

  /** One initializer's expected distribution for given fans. */
  private record Expected(double variance, double bound, boolean normal) {}

  private static void statistics(String name, Initializer init, Case c) {
    int fanIn = c.intIn("fanIn", 1, 2000);
    int fanOut = c.intIn("fanOut", 1, 2000);
    Tensor t = Tensor.zeros(DRAWS);
    init.fill(t, fanIn, fanOut, new SplittableRandom(c.seed()));
    Expected ex = expected(init, fanIn, fanOut);
    float[] x = t.data();
    double sum = 0;
    for (float v : x) {
      sum += v;
    }
    double mean = sum / DRAWS;
    double squares = 0;
    int withinSigma = 0;
    double sigma = Math.sqrt(ex.variance());
    for (float v : x) {
      squares += (v - mean) * (v - mean);
      if (Math.abs(v) <= sigma) {
        withinSigma++;
      }
    }
    double variance = squares / (DRAWS - 1);
    c.note("expected variance", ex.variance());
    c.note("sample mean, variance", mean + ", " + variance);
    assertTrue(Math.abs(mean) <= 5 * sigma / Math.sqrt(DRAWS), name + ": mean " + mean);
    double kurtosis = ex.normal() ? 3 : 1.8;
    assertTrue(Math.abs(variance - ex.variance())
            <= 5 * ex.variance() * Math.sqrt((kurtosis - 1) / DRAWS),
        name + ": variance " + variance + ", expected " + ex.variance());
    if (ex.normal()) {
      double p = 0.682689;
      double share = (double) withinSigma / DRAWS;
      assertTrue(Math.abs(share - p) <= 5 * Math.sqrt(p * (1 - p) / DRAWS),
          name + ": share within one σ " + share);
    } else {
      float max = 0;
      for (float v : x) {
        assertTrue(Math.abs(v) <= ex.bound(), name + ": " + v + " outside ±" + ex.bound());
        max = Math.max(max, Math.abs(v));
      }
      // 20000 uniform draws all below 0.99 of the bound: probability 0.995^20000 ≈ e^-100
      assertTrue(max > 0.99 * ex.bound(), name + ": largest |value| " + max);
    }
  }

  /** The formulas, restated from PyTorch's nn.init documentation. */
  private static Expected expected(Initializer init, int fanIn, int fanOut) {
    return switch (init) {
      case GlorotUniform g -> {
        double a = g.gain() * Math.sqrt(6.0 / (fanIn + fanOut));
        yield new Expected(a * a / 3, a, false);
      }
      case GlorotNormal g -> new Expected(g.gain() * g.gain() * 2.0 / (fanIn + fanOut), 0, true);
      case HeUniform h -> {
        double b = h.gain() * Math.sqrt(3.0 / h.mode().pick(fanIn, fanOut));
        yield new Expected(b * b / 3, b, false);
      }
      case HeNormal h -> new Expected(
          (double) h.gain() * h.gain() / h.mode().pick(fanIn, fanOut), 0, true);
      case PyTorchDefault p -> new Expected(1.0 / (3.0 * fanIn), 1 / Math.sqrt(fanIn), false);
      default -> throw new AssertionError(init);
    };
  }

  private static void property(String name, java.util.function.Function<Case, Initializer> make) {
    Property.named(name + " matches its formula").tries(12).check(c -> {
      statistics(name, make.apply(c), c);
    });
  }

  private static float gain(Case c) {
    return c.oneOf("gain", 1f, Gain.relu(), Gain.tanh(), 0.5f);
  }

  @Test
  void glorotUniform() {
    property("GlorotUniform", c -> new GlorotUniform(gain(c)));
  }

  @Test
  void glorotNormal() {
    property("GlorotNormal", c -> new GlorotNormal(gain(c)));
  }

  @Test
  void heUniform() {
    property("HeUniform", c -> new HeUniform(gain(c), c.oneOf("mode", FanMode.values())));
  }

  @Test
  void heNormal() {
    property("HeNormal", c -> new HeNormal(gain(c), c.oneOf("mode", FanMode.values())));
  }

  @Test
  void pyTorchDefault() {
    property("PyTorchDefault", c -> new PyTorchDefault());
  }

  @Test
  void boundsByHand() {
    // fanIn 100, fanOut 50: Glorot a = √(6/150) = 0.2; He b = √2·√(3/100) = 0.24494897;
    // PyTorch 1/√100 = 0.1
    assertMax(0.2f, new GlorotUniform(), 100, 50);
    assertMax(0.24494897f, new HeUniform(), 100, 50);
    assertMax(0.1f, new PyTorchDefault(), 100, 50);
    // He on the fan-out: √2·√(3/50) = 0.34641016
    assertMax(0.34641016f, new HeUniform(Gain.relu(), FanMode.FAN_OUT), 100, 50);
  }

  private static void assertMax(float bound, Initializer init, int fanIn, int fanOut) {
    Tensor t = Tensor.zeros(5000);
    init.fill(t, fanIn, fanOut, new SplittableRandom(1));
    float max = 0;
    for (float v : t.data()) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= bound && max > 0.995f * bound, init + ": max " + max + ", bound " + bound);
  }

  @Test
  void aSeedRepeatsAndAnotherSeedDiffers() {
    for (Initializer init : new Initializer[] {new GlorotUniform(), new GlorotNormal(),
        new HeUniform(), new HeNormal(), new PyTorchDefault()}) {
      Tensor a = Tensor.zeros(64, 32);
      Tensor b = Tensor.zeros(64, 32);
      Tensor c = Tensor.zeros(64, 32);
      init.fill(a, new SplittableRandom(7));
      init.fill(b, new SplittableRandom(7));
      init.fill(c, new SplittableRandom(8));
      assertArrayEquals(a.data(), b.data(), init.toString());
      assertFalse(Arrays.equals(a.data(), c.data()), init.toString());
    }
  }

  @Test
  void fillsOnlyItsViewAndEveryElementOfIt() {
    float[] big = new float[12];
    Arrays.fill(big, Float.NaN);
    Tensor view = new Tensor(big, 3, Shape.of(2, 3));
    new PyTorchDefault().fill(view, 3, 2, new SplittableRandom(3));
    for (int i = 0; i < 12; i++) {
      boolean inside = i >= 3 && i < 9;
      assertEquals(inside, !Float.isNaN(big[i]), "element " + i);
    }
    Initializer.ones().fill(view, 3, 2, new SplittableRandom(3));
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, view.toArray());
    Initializer.zeros().fill(view, 0, 0, new SplittableRandom(3));
    assertArrayEquals(new float[6], view.toArray());
    Tensor bias = Tensor.zeros(4);
    Initializer.ones().fill(bias, new SplittableRandom(3)); // rank 1: a constant needs no fans
    assertArrayEquals(new float[] {1, 1, 1, 1}, bias.toArray());
    assertTrue(Float.isNaN(big[2]) && Float.isNaN(big[9]));
  }

  @Test
  void fansFollowPyTorch() {
    assertEquals(new Fans(784, 256), Fans.of(Shape.of(256, 784)));            // Dense (out, in)
    assertEquals(new Fans(3 * 5 * 5, 16 * 5 * 5), Fans.of(Shape.of(16, 3, 5, 5))); // Conv2d
    assertMessage("Fans: a weight of rank ≥ 2 is needed to read fans from its shape, got (10);"
        + " pass a bias its weight's fans", () -> Fans.of(Shape.of(10)));
    // the default fill reads the fans: PyTorchDefault on (4, 25) is U(±1/5)
    Tensor w = Tensor.zeros(4, 25);
    new PyTorchDefault().fill(w, new SplittableRandom(2));
    for (float v : w.data()) {
      assertTrue(Math.abs(v) <= 0.2f);
    }
  }

  @Test
  void pyTorchDefaultWithNoFanInIsZero() {
    Tensor bias = Tensor.wrap(new float[] {5, 5}, 2);
    new PyTorchDefault().fill(bias, 0, 2, new SplittableRandom(1));
    assertArrayEquals(new float[2], bias.data());
  }

  @Test
  void gainsArePyTorchs() {
    assertEquals(1f, Gain.linear());
    assertEquals(1.4142135f, Gain.relu());
    assertEquals(5f / 3f, Gain.tanh());
    // √(2 / (1 + 0.01²)) = 1.41414284
    assertEquals(1.4141428f, Gain.leakyRelu(0.01f), 1e-7f);
    // a = √5 (PyTorch's Linear default): √(2/6) = 0.57735027
    assertEquals(0.57735027f, Gain.leakyRelu((float) Math.sqrt(5)), 1e-7f);
  }

  @Test
  void messages() {
    Tensor t = Tensor.zeros(3);
    SplittableRandom r = new SplittableRandom(1);
    assertMessage("GlorotUniform: gain must be > 0 and finite, got -1.0",
        () -> new GlorotUniform(-1f));
    assertMessage("HeNormal: gain must be > 0 and finite, got NaN",
        () -> new HeNormal(Float.NaN, FanMode.FAN_IN));
    assertMessage("GlorotNormal: fanIn + fanOut must be ≥ 1, got fanIn 0, fanOut 0",
        () -> new GlorotNormal().fill(t, 0, 0, r));
    assertMessage("HeUniform: fanIn must be ≥ 1, got 0", () -> new HeUniform().fill(t, 0, 5, r));
    assertMessage("HeNormal: fanOut must be ≥ 1, got 0",
        () -> new HeNormal(Gain.relu(), FanMode.FAN_OUT).fill(t, 5, 0, r));
    assertMessage("PyTorchDefault: fans must be ≥ 0, got fanIn -3, fanOut 2",
        () -> new PyTorchDefault().fill(t, -3, 2, r));
    assertMessage("Constant: value must be finite, got NaN", () -> new Constant(Float.NaN));
    assertEquals("HeUniform: random source is null", assertThrows(NullPointerException.class,
        () -> new HeUniform().fill(t, 3, 3, null)).getMessage());
  }

  private static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
