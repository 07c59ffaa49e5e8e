package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The recurrent layers compute PyTorch's definitions in PyTorch's weight layout: one step of
 * each cell worked out by hand; a tiny cell's outputs pinned from an independent implementation
 * (numpy, float64, layers/src/test/python/recurrent_reference.py); and, on random sizes, weights
 * and initial states, agreement with a plain double-precision implementation of the equations
 * written here.
 */
class RecurrentReferenceTest {
  private static final float TOL = 1e-6f;

  /** Builds a layer for (T, F) and overwrites its parameters, in PyTorch's order. */
  private static <L extends RecurrentLayer> L layer(L layer, int steps, int features,
      float[]... params) {
    layer.build(Shape.of(steps, features), new SplittableRandom(1));
    for (int i = 0; i < params.length; i++) {
      Param p = layer.params().get(i);
      assertEquals(p.size(), params[i].length, p.name());
      System.arraycopy(params[i], 0, p.value().data(), p.value().offset(), p.size());
    }
    return layer;
  }

  private static Tensor scalar(float v) {
    return Tensor.wrap(new float[] {v}, 1, 1);
  }

  private static float oneStep(RecurrentLayer layer, float x) {
    return layer.forward(Tensor.wrap(new float[] {x}, 1, 1, 1), false).get(0, 0);
  }

  @Test
  void oneStepOfTheSimpleRnn() {
    // weight_ih 0.5, weight_hh 2, bias_ih 0.25, bias_hh −0.5; x = 1.5, h0 = 0.2
    SimpleRnn rnn = layer(new SimpleRnn.Config(1).create("rnn"), 1, 1,
        new float[] {0.5f}, new float[] {2f}, new float[] {0.25f}, new float[] {-0.5f});
    rnn.setInitialState(scalar(0.2f));
    // h = tanh(0.5·1.5 + 0.25 + 2·0.2 − 0.5) = tanh(0.9)
    assertEquals(0.71629787f, oneStep(rnn, 1.5f), TOL);
  }

  @Test
  void oneStepOfTheLstm() {
    // rows i, f, g, o: weight_ih (0.5, −1, 1, 2), weight_hh (1, 1, −1, 0.5),
    // bias_ih (0, 0.5, 0, 0), bias_hh (0.5, 0, 0, −1); x = 1, h0 = 0.5, c0 = 2
    Lstm lstm = layer(new Lstm.Config(1).create("lstm"), 1, 1,
        new float[] {0.5f, -1f, 1f, 2f}, new float[] {1f, 1f, -1f, 0.5f},
        new float[] {0f, 0.5f, 0f, 0f}, new float[] {0.5f, 0f, 0f, -1f});
    lstm.setInitialState(scalar(0.5f), scalar(2f));
    // pre_i = 0.5 + 0 + 1·0.5 + 0.5 = 1.5      i = σ(1.5) = 0.81757448
    // pre_f = −1 + 0.5 + 1·0.5 + 0 = 0          f = 0.5
    // pre_g = 1 + 0 − 1·0.5 + 0 = 0.5           g = tanh(0.5) = 0.46211716
    // pre_o = 2 + 0 + 0.5·0.5 − 1 = 1.25        o = σ(1.25) = 0.77729986
    // c = f·c0 + i·g = 1 + 0.37781519 = 1.37781519
    // h = o·tanh(c) = 0.77729986·0.88046109 = 0.68438229
    assertEquals(0.68438229f, oneStep(lstm, 1f), TOL);
  }

  @Test
  void oneStepOfEachGru() {
    // rows r, z, n: weight_ih (1, −1, 0.5), weight_hh (0.5, 1, −2), bias_ih (0, 0, 0.25),
    // bias_hh (0.25, 0, 0.5); x = 1, h0 = 0.5
    float[][] p = {{1f, -1f, 0.5f}, {0.5f, 1f, -2f}, {0f, 0f, 0.25f}, {0.25f, 0f, 0.5f}};
    // both: r = σ(1 + 0 + 0.5·0.5 + 0.25) = σ(1.5) = 0.81757448
    //       z = σ(−1 + 0 + 1·0.5 + 0) = σ(−0.5) = 0.37754067
    Gru torch = layer(new Gru.Config(1).create("gru"), 1, 1, p);
    torch.setInitialState(scalar(0.5f));
    // reset after: n = tanh(0.5 + 0.25 + r·(−2·0.5 + 0.5)) = tanh(0.34121276) = 0.32855967
    //              h = (1 − z)·n + z·h0 = 0.39328537
    assertEquals(0.39328537f, oneStep(torch, 1f), TOL);

    Gru cho = layer(new Gru.Config(1, false, Gru.Variant.CHO).create("gru"), 1, 1, p);
    cho.setInitialState(scalar(0.5f));
    // reset before: n = tanh(0.5 + 0.25 + (−2)·(r·0.5) + 0.5) = tanh(0.43242552) = 0.40734636
    //               h = (1 − z)·h0 + z·n = 0.46501948
    assertEquals(0.46501948f, oneStep(cho, 1f), TOL);
  }

  /** ((37k + 11·seed) mod 23 − 11) / 20, k = 0, 1, ...: the recurrent_reference.py fill. */
  private static float[] fill(int size, int seed) {
    float[] v = new float[size];
    for (int k = 0; k < size; k++) {
      v[k] = (float) (((k * 37 + seed * 11) % 23 - 11) / 20.0);
    }
    return v;
  }

  /** N = 2, T = 3, F = 3, H = 2, every step returned; numbers from recurrent_reference.py. */
  @Test
  void aTinyCellMatchesPyTorchsDefinitionsAndLayout() {
    float[][] expected = {
        {0.62611477f, -0.60277853f, 0.49418703f, -0.55294448f, 0.47306248f, -0.55736051f,
            0.32524368f, -0.50982997f, 0.66004932f, -0.69998737f, 0.76076489f, -0.80792093f},
        {0.07657916f, 0.08817436f, 0.07233417f, 0.13089823f, 0.09676711f, 0.12459786f,
            0.13152831f, 0.06629474f, 0.11537313f, 0.12877622f, 0.12108130f, 0.14632208f},
        {0.16323631f, 0.19738782f, 0.21857053f, 0.11822460f, 0.27760805f, 0.03590050f,
            0.37274526f, 0.03373734f, 0.31120093f, 0.21223619f, 0.30832649f, 0.29714421f},
        {0.09651444f, 0.30252719f, 0.14278705f, 0.32459174f, 0.20010737f, 0.31011641f,
            0.25668503f, 0.25180983f, 0.23548671f, 0.44672777f, 0.23903413f, 0.53218155f}};
    int n = 2;
    int steps = 3;
    int features = 3;
    int hidden = 2;
    Tensor x = Tensor.wrap(fill(n * steps * features, 5), n, steps, features);
    RecurrentCell[] cells = RecurrentCell.values(); // RNN, LSTM, GRU_PYTORCH, GRU_CHO
    for (int c = 0; c < cells.length; c++) {
      int gh = cells[c].gates() * hidden;
      for (boolean sequences : new boolean[] {true, false}) {
        RecurrentLayer layer = layer(cells[c].create("rnn", hidden, sequences, false), steps,
            features, fill(gh * features, 1), fill(gh * hidden, 2), fill(gh, 3), fill(gh, 4));
        float[] y = layer.forward(x, true).toArray();
        if (sequences) {
          assertArrayEquals(expected[c], y, TOL, cells[c].toString());
        } else { // the last step of each sequence
          assertArrayEquals(new float[] {expected[c][4], expected[c][5], expected[c][10],
              expected[c][11]}, y, TOL, cells[c] + ", last step");
        }
      }
    }
  }

  @Test
  void randomCellsMatchAPlainDoubleImplementation() {
    Property.named("recurrent layers match the equations in double").tries(40).check(c -> {
      RecurrentCell cell = c.oneOf("cell", RecurrentCell.values());
      int n = c.intIn("N", 1, 4);
      int steps = c.intIn("T", 1, 9);
      int features = c.intIn("F", 1, 7);
      int hidden = c.intIn("H", 1, 11);
      RecurrentLayer layer = cell.create("rnn", hidden, true, c.bool("unitForgetBias"));
      layer.build(Shape.of(steps, features), new SplittableRandom(c.seed()));
      float[] x = c.floats("x", n * steps * features, -2, 2);
      float[] h0 = c.floats("h0", n * hidden, -1, 1);
      float[] c0 = c.floats("c0", n * hidden, -2, 2);
      if (layer instanceof Lstm lstm) {
        lstm.setInitialState(Tensor.wrap(h0, n, hidden), Tensor.wrap(c0, n, hidden));
      } else {
        layer.setInitialState(Tensor.wrap(h0, n, hidden));
      }
      double[] expected = DoubleReference.run(cell, layer, x, h0, c0, n, steps, features,
          hidden);
      Tensor in = Tensor.wrap(x, n, steps, features);
      float[] trained = layer.forward(in, true).toArray();
      float[] inferred = layer.infer(in).toArray();
      for (int i = 0; i < expected.length; i++) {
        // float32 through ≤ 9 steps of bounded, mostly contracting maps: a few 1e-7 per step
        FloatAsserts.assertClose(cell + " output " + i, (float) expected[i], trained[i], 5e-6,
            0);
      }
      assertArrayEquals(trained, inferred, "infer = forward");
    });
  }

  /**
   * The gate math of a step is split over the pool's threads by rows (from 4,096 gate values
   * per chunk: here 2 or 3 chunks of the 96 rows), and the GEMMs by row panels: each value is
   * computed by the same operations whatever thread computes it, so results are bit for bit
   * those of one thread.
   */
  @Test
  void resultsDoNotDependOnTheThreadCount() {
    int before = Parallel.threads();
    try {
      for (RecurrentCell cell : RecurrentCell.values()) {
        float[][] oneThread = trainingStep(cell, 1);
        float[][] threeThreads = trainingStep(cell, 3);
        for (int i = 0; i < oneThread.length; i++) {
          assertArrayEquals(oneThread[i], threeThreads[i], cell + " result " + i);
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  /** Output, input gradient and parameter gradients of one step at N = 96, H = 48. */
  private static float[][] trainingStep(RecurrentCell cell, int threads) {
    Parallel.setThreads(threads);
    RecurrentLayer layer = cell.create("rnn", 48, true, true);
    layer.build(Shape.of(3, 5), new SplittableRandom(4));
    SplittableRandom r = new SplittableRandom(5);
    Tensor x = Tensor.zeros(96, 3, 5);
    Tensor dOut = Tensor.zeros(96, 3, 48);
    for (Tensor t : new Tensor[] {x, dOut}) {
      for (int i = 0; i < t.size(); i++) {
        t.data()[i] = (float) r.nextDouble(-1, 1);
      }
    }
    float[] y = layer.forward(x, true).toArray();
    float[] dx = layer.backward(dOut).toArray();
    return new float[][] {y, dx, layer.params().get(0).grad().toArray(),
        layer.params().get(1).grad().toArray(), layer.params().get(2).grad().toArray(),
        layer.params().get(3).grad().toArray()};
  }

  /** The equations of each cell in double, read straight from PyTorch's layout. */
  static final class DoubleReference {
    private DoubleReference() {}

    static double[] run(RecurrentCell cell, RecurrentLayer layer, float[] x, float[] h0, float[] c0,
        int n, int steps, int features, int hidden) {
      float[] wih = layer.params().get(0).value().toArray();
      float[] whh = layer.params().get(1).value().toArray();
      float[] bih = layer.params().get(2).value().toArray();
      float[] bhh = layer.params().get(3).value().toArray();
      double[] out = new double[n * steps * hidden];
      for (int s = 0; s < n; s++) {
        double[] h = new double[hidden];
        double[] c = new double[hidden];
        for (int j = 0; j < hidden; j++) {
          h[j] = h0[s * hidden + j];
          c[j] = c0[s * hidden + j];
        }
        for (int t = 0; t < steps; t++) {
          int xAt = (s * steps + t) * features;
          // row k of W·x + b and of W_hh·v + b_hh, PyTorch's (gates·H, ·) layout
          java.util.function.IntToDoubleFunction ih = k -> {
            double sum = bih[k];
            for (int f = 0; f < features; f++) {
              sum += (double) wih[k * features + f] * x[xAt + f];
            }
            return sum;
          };
          double[] hv = h;
          java.util.function.BiFunction<Integer, double[], Double> hh = (k, v) -> {
            double sum = bhh[k];
            for (int j = 0; j < hidden; j++) {
              sum += (double) whh[k * hidden + j] * v[j];
            }
            return sum;
          };
          double[] next = new double[hidden];
          double[] nextC = new double[hidden];
          double[] rh = new double[hidden];
          for (int j = 0; j < hidden; j++) {
            rh[j] = sigmoid(ih.applyAsDouble(j) + hh.apply(j, hv)) * hv[j];
          }
          for (int j = 0; j < hidden; j++) {
            switch (cell) {
              case RNN -> next[j] = Math.tanh(ih.applyAsDouble(j) + hh.apply(j, hv));
              case LSTM -> {
                double i = sigmoid(ih.applyAsDouble(j) + hh.apply(j, hv));
                double f = sigmoid(ih.applyAsDouble(hidden + j) + hh.apply(hidden + j, hv));
                double g = Math.tanh(ih.applyAsDouble(2 * hidden + j)
                    + hh.apply(2 * hidden + j, hv));
                double o = sigmoid(ih.applyAsDouble(3 * hidden + j)
                    + hh.apply(3 * hidden + j, hv));
                nextC[j] = f * c[j] + i * g;
                next[j] = o * Math.tanh(nextC[j]);
              }
              case GRU_PYTORCH -> {
                double r = sigmoid(ih.applyAsDouble(j) + hh.apply(j, hv));
                double z = sigmoid(ih.applyAsDouble(hidden + j) + hh.apply(hidden + j, hv));
                double nn = Math.tanh(ih.applyAsDouble(2 * hidden + j)
                    + r * hh.apply(2 * hidden + j, hv));
                next[j] = (1 - z) * nn + z * hv[j];
              }
              case GRU_CHO -> {
                double z = sigmoid(ih.applyAsDouble(hidden + j) + hh.apply(hidden + j, hv));
                // W_hn (r ⊙ h) + b_hn: row 2H + j of W_hh applied to rh
                double nn = Math.tanh(ih.applyAsDouble(2 * hidden + j)
                    + hh.apply(2 * hidden + j, rh));
                next[j] = (1 - z) * hv[j] + z * nn;
              }
            }
          }
          h = next;
          c = nextC;
          System.arraycopy(h, 0, out, (s * steps + t) * hidden, hidden);
        }
      }
      return out;
    }

    private static double sigmoid(double v) {
      return 1 / (1 + Math.exp(-v));
    }
  }
}
