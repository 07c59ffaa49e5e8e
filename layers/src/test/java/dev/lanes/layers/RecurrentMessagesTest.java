package dev.lanes.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What the recurrent layers say when misused, and the initial-state API: settings, shapes and
 * calls in the wrong order name the layer and both sides.
 */
class RecurrentMessagesTest {
  private static String message(Class<? extends RuntimeException> type, Runnable call) {
    return assertThrows(type, call::run).getMessage();
  }

  @Test
  void configsNameTheBadSetting() {
    assertEquals("Lstm: hiddenSize must be >= 1, got 0",
        message(IllegalArgumentException.class, () -> new Lstm.Config(0)));
    assertEquals("SimpleRnn: hiddenSize must be >= 1, got -3",
        message(IllegalArgumentException.class, () -> new SimpleRnn.Config(-3)));
    assertEquals("Gru: variant is null; use Variant.PYTORCH or Variant.CHO",
        message(NullPointerException.class, () -> new Gru.Config(4, false, null)));
    assertEquals(new Gru.Config(4, true, Gru.Variant.CHO),
        new Gru.Config(4).withReturnSequences(true).withVariant(Gru.Variant.CHO));
    assertEquals(new Lstm.Config(4, true, true),
        new Lstm.Config(4).withReturnSequences(true).withUnitForgetBias(true));
  }

  @Test
  void aVectorPerSampleIsRefusedWithAHint() {
    Lstm lstm = new Lstm.Config(4).create("lstm");
    assertEquals("Lstm 'lstm': expected input (N, T, F) with T, F ≥ 1, got (N, 8); the layer"
        + " before returns one vector per sample; give it returnSequences = true",
        message(IllegalArgumentException.class,
            () -> lstm.build(Shape.of(8), new SplittableRandom(1))));
    Gru gru = new Gru.Config(4).create("gru");
    gru.build(Shape.of(5, 3), new SplittableRandom(1));
    assertEquals("Gru 'gru': expected input (N, 5, 3), got (2, 3); the layer before returns one"
        + " vector per sample; give it returnSequences = true",
        message(IllegalArgumentException.class, () -> gru.forward(Tensor.zeros(2, 3), true)));
  }

  @Test
  void initialStatesAreChecked() {
    Lstm lstm = new Lstm.Config(4).create("lstm");
    assertEquals("Lstm 'lstm': build() was not called",
        message(IllegalStateException.class, () -> lstm.setInitialState(Tensor.zeros(2, 4))));
    lstm.build(Shape.of(3, 2), new SplittableRandom(1));
    assertEquals("Lstm 'lstm': expected an initial state (N, 4), got (2, 5)",
        message(IllegalArgumentException.class, () -> lstm.setInitialState(Tensor.zeros(2, 5))));
    assertEquals("Lstm 'lstm': expected an initial cell state (N, 4), got (2, 4, 1)",
        message(IllegalArgumentException.class,
            () -> lstm.setInitialState(Tensor.zeros(2, 4), Tensor.zeros(2, 4, 1))));
    lstm.setInitialState(Tensor.zeros(2, 4));
    assertEquals("Lstm 'lstm': the initial state is (2, 4) but the input has a batch of 3",
        message(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(3, 3, 2), true)));
    assertEquals("Lstm 'lstm': no backward() has run yet",
        message(IllegalStateException.class, lstm::initialStateGradient));
    assertEquals("Lstm 'lstm': backward() called before a training forward()",
        message(IllegalStateException.class, () -> lstm.backward(Tensor.zeros(3, 4))));
  }

  @Test
  void anInitialStateChangesTheOutputUntilCleared() {
    SimpleRnn rnn = new SimpleRnn.Config(3).create("rnn");
    rnn.build(Shape.of(2, 2), new SplittableRandom(1));
    Tensor x = Tensor.wrap(new float[] {0.5f, -1f, 0.25f, 2f}, 1, 2, 2);
    float[] fromZero = rnn.forward(x, true).toArray();
    rnn.setInitialState(Tensor.wrap(new float[] {0.9f, -0.4f, 0.1f}, 1, 3));
    float[] fromH0 = rnn.forward(x, true).toArray();
    assertNotEquals(fromZero[0], fromH0[0]);
    assertArrayEquals(fromH0, rnn.infer(x).toArray(), "infer reads the initial state too");
    rnn.setInitialState(null);
    assertArrayEquals(fromZero, rnn.forward(x, true).toArray());
    // the gradient of h0 exists after any backward, zero state or not: (N, H)
    rnn.backward(Tensor.wrap(new float[] {1f, 1f, 1f}, 1, 3));
    assertEquals(Shape.of(1, 3), rnn.initialStateGradient().shape());
  }
}
