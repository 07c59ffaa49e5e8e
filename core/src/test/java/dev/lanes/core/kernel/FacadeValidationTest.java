package dev.lanes.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The facades reject bad arguments at the front door, with messages naming kernel and argument. */
class FacadeValidationTest {
  private static String message(Runnable call) {
    return assertThrows(IllegalArgumentException.class, call::run).getMessage();
  }

  @Test
  void anArrayTooShortForItsOffsetIsNamed() {
    assertEquals("add: b needs 8 elements from offset 4, but its array has 10",
        message(() -> Elementwise.add(new float[8], 0, new float[8], 0, new float[10], 4, 8)));
    assertEquals("sigmoid: out needs 5 elements from offset 0, but its array has 4",
        message(() -> Activations.sigmoid(new float[4], 0, new float[5], 0, 5)));
    assertEquals("tanhBackward: y needs 3 elements from offset 1, but its array has 3",
        message(() -> Activations.tanhBackward(new float[3], 0, new float[3], 0, new float[3], 1, 3)));
  }

  @Test
  void negativeSizesAndOffsetsAreNamed() {
    assertEquals("relu: n = -1 is negative",
        message(() -> Activations.relu(new float[1], 0, new float[1], 0, -1)));
    assertEquals("axpy: y offset -2 is negative",
        message(() -> Elementwise.axpy(new float[4], -2, 1f, new float[4], 0, 1)));
    assertEquals("softmaxRows: sizes (rows, cols) must be ≥ 0, got [2, -3]",
        message(() -> Softmax.softmaxRows(new float[6], 0, new float[6], 0, 2, -3)));
  }

  @Test
  void shapeArgumentsAreChecked() {
    assertEquals("addRowBias: bias needs 4 elements from offset 0, but its array has 3",
        message(() -> Elementwise.addRowBias(new float[8], 0, new float[3], 0, 2, 4)));
    assertEquals("addChannelBias: x needs 24 elements from offset 0, but its array has 20",
        message(() -> Elementwise.addChannelBias(new float[20], 0, new float[3], 0, 2, 3, 4)));
    assertEquals("argmaxRows: rows of 0 columns have no maximum",
        message(() -> Reductions.argmaxRows(new int[2], 0, new float[0], 0, 2, 0)));
    assertEquals("argmaxRows: out needs 3 elements from offset 0, but its array has 2",
        message(() -> Reductions.argmaxRows(new int[2], 0, new float[9], 0, 3, 3)));
    assertEquals("meanVarianceChannels: no values per channel (batch 0, spatial 4): the mean of"
        + " nothing is undefined", message(() -> Reductions.meanVarianceChannels(
            new float[2], 0, new float[2], 0, new float[0], 0, 0, 2, 4)));
    assertEquals("sum: x is null", message(() -> Reductions.sum(null, 0, 0)));
    assertEquals("sumDotChannels: channels [1, 3) are not a range of the 2 channels",
        message(() -> Reductions.sumDotChannels(new double[2], 0, new double[2], 0, new float[8],
            0, new float[8], 0, 2, 2, 2, 1, 3)));
    assertEquals("sumDotChannels: b needs 8 elements from offset 1, but its array has 8",
        message(() -> Reductions.sumDotChannels(new double[2], 0, new double[2], 0, new float[8],
            0, new float[8], 1, 2, 2, 2, 0, 2)));
    assertEquals("normalize: runs of 5 values 4 apart overlap; stride must be ≥ n",
        message(() -> Elementwise.normalize(new float[20], 0, new float[20], 0, new float[20], 0,
            0f, 1f, 1f, 0f, 2, 5, 4)));
    assertEquals("normalizeBackward: h needs 13 elements from offset 0, but its array has 12",
        message(() -> Elementwise.normalizeBackward(new float[13], 0, new float[13], 0,
            new float[12], 0, 1f, 1f, 0f, 0f, 2, 5, 8)));
  }

  @Test
  void validCallsGoThrough() {
    float[] out = new float[3];
    Elementwise.fill(out, 1, 2f, 2);
    assertEquals(2f, out[2]);
    assertEquals(4f, Reductions.sum(out, 0, 3));
    Elementwise.add(out, 0, out, 0, out, 0, 0); // n = 0 is fine anywhere
  }

  @Test
  void recurrentKernelsCheckEveryRun() {
    // 2 samples of 2 units: an LSTM gates block is 2·4·2 = 16 floats
    assertEquals("lstmForward: gates needs 16 elements from offset 0, but its array has 8",
        message(() -> Recurrent.lstmForward(new float[4], 0, new float[4], 0, new float[4], 0,
            new float[8], 0, new float[4], 0, 2, 2)));
    assertEquals("gruForward: bhn needs 2 elements from offset 1, but its array has 2",
        message(() -> Recurrent.gruForward(new float[4], 0, new float[12], 0, new float[12], 0,
            new float[2], 1, new float[4], 0, 2, 2)));
    assertEquals("gruChoResetBackward: sizes (rows, hidden) must be ≥ 0, got [-1, 2]",
        message(() -> Recurrent.gruChoResetBackward(new float[4], 0, new float[4], 0,
            new float[4], 0, new float[4], 0, new float[4], 0, -1, 2)));
    assertEquals("rnnBackward: h offset -1 is negative",
        message(() -> Recurrent.rnnBackward(new float[4], 0, new float[4], 0, new float[4], -1,
            2)));
  }
}
