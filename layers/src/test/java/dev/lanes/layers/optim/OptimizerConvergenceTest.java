package dev.lanes.layers.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.layers.Param;
import dev.lanes.layers.loss.MeanSquaredError;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer fits a small linear regression, y = x·w* + b* on 64 fixed random points in
 * 4 dimensions, from zero weights: the mean squared error must fall by a large factor (at
 * least 1000) within 300 steps. The model is y = x·wᵀ + b with weight (1, 4) and bias (1), its
 * gradient written out below; the loss is {@link MeanSquaredError}.
 */
class OptimizerConvergenceTest {
  private static final int N = 64;
  private static final int F = 4;
  private static final int STEPS = 300;

  private final Tensor x = Tensor.zeros(N, F);  // (N, F)
  private final Tensor y = Tensor.zeros(N, 1);  // (N, 1)
  private final Tensor out = Tensor.zeros(N, 1);
  private final Tensor dOut = Tensor.zeros(N, 1);
  private final Param weight = new Param("weight", Shape.of(1, F));
  private final Param bias = new Param("bias", Shape.of(1));
  private final List<Param> params = List.of(weight, bias);
  private final MeanSquaredError loss = new MeanSquaredError();

  OptimizerConvergenceTest() {
    float[] trueWeight = {1.5f, -2f, 0.5f, 3f};
    float trueBias = 0.7f;
    SplittableRandom random = new SplittableRandom(42);
    for (int n = 0; n < N; n++) {
      float target = trueBias;
      for (int f = 0; f < F; f++) {
        float v = (float) random.nextDouble(-1, 1);
        x.set(v, n, f);
        target += trueWeight[f] * v;
      }
      y.set(target, n, 0);
    }
  }

  /** Forward, loss, backward; leaves the gradients in the params and returns the loss. */
  private float lossAndGradient() {
    float[] w = weight.value().data();
    float b = bias.value().data()[0];
    for (int n = 0; n < N; n++) {
      float s = b;
      for (int f = 0; f < F; f++) {
        s += x.get(n, f) * w[f];
      }
      out.data()[n] = s;
    }
    float value = loss.forward(out, y);
    loss.backward(dOut);
    // forward was out = x·wᵀ + b, so dW = dOutᵀ·x and db = Σ dOut
    weight.zeroGrad();
    bias.zeroGrad();
    for (int n = 0; n < N; n++) {
      float d = dOut.data()[n];
      for (int f = 0; f < F; f++) {
        weight.grad().data()[f] += d * x.get(n, f);
      }
      bias.grad().data()[0] += d;
    }
    return value;
  }

  private void assertFits(String name, Optimizer optimizer, IntToDoubleFunction rate) {
    float first = lossAndGradient();
    float last = first;
    for (int t = 0; t < STEPS; t++) {
      optimizer.step(params, (float) rate.applyAsDouble(t));
      last = lossAndGradient();
    }
    System.out.printf(java.util.Locale.ROOT, "[convergence] %s: loss %.4g -> %.4g after %d steps%n",
        name, first, last, STEPS);
    assertTrue(last < first / 1000, name + ": loss " + first + " -> " + last);
  }

  @Test
  void sgd() {
    assertFits("Sgd", new Sgd(), t -> 0.3);
  }

  @Test
  void sgdWithMomentum() {
    assertFits("Sgd momentum", new Sgd(Sgd.Config.momentum(0.9f)), t -> 0.05);
  }

  @Test
  void sgdWithNesterov() {
    assertFits("Sgd Nesterov", new Sgd(Sgd.Config.nesterov(0.9f)), t -> 0.05);
  }

  @Test
  void adam() {
    assertFits("Adam", new Adam(), t -> 0.05);
  }

  @Test
  void adamW() {
    // decoupled decay pulls the weights towards 0 and so leaves a small bias in the fit:
    // λ = 1e-4 keeps it well below the 1000× target
    assertFits("AdamW", new AdamW(AdamW.Config.defaults().withWeightDecay(1e-4f)), t -> 0.05);
  }

  @Test
  void rmsProp() {
    // at a constant rate RMSprop's steps stay about lr long (g/√v is about ±1 near the optimum)
    // and the loss stalls near lr²; a decaying rate lets it settle
    assertFits("RmsProp", new RmsProp(), new CosineAnnealing(0.03f, STEPS)::rate);
  }

  @Test
  void rmsPropCenteredWithMomentum() {
    assertFits("RmsProp centered+momentum",
        new RmsProp(RmsProp.Config.defaults().withCentered(true).withMomentum(0.5f)), t -> 0.005);
  }

  @Test
  void adamWithWarmupCosineAndClipping() {
    LearningRateSchedule schedule = new LinearWarmup(new CosineAnnealing(0.1f, STEPS - 20), 20,
        0.1f);
    Adam adam = new Adam();
    assertFits("Adam warm-up + cosine + clipping", (params, lr) -> {
      GradientClipping.clipByGlobalNorm(params, 1f);
      adam.step(params, lr);
    }, schedule::rate);
  }
}
