package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;

import dev.lanes.core.kernel.SoftmaxKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Row softmax on the Vector API in three passes over each row: the maximum, exp(x - max) with
 * its sum, then the normalisation. Subtracting the maximum keeps every exp in [0, 1], so no
 * logit overflows.
 */
final class SimdSoftmax implements SoftmaxKernels {
  @Override
  public void softmaxRows(float[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int in = xOff + r * cols;
      int o = outOff + r * cols;
      float max = SimdReductions.maxOf(x, in, cols);
      FloatVector sum = FloatVector.zero(F);
      int i = 0;
      for (int bound = F.loopBound(cols); i < bound; i += L) {
        FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, in + i).sub(max));
        e.intoArray(out, o + i);
        sum = sum.add(e);
      }
      if (i < cols) {
        VectorMask<Float> m = F.indexInRange(i, cols);
        FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, in + i, m).sub(max));
        e.intoArray(out, o + i, m);
        sum = sum.add(FloatVector.zero(F).blend(e, m)); // past the end exp(0 - max) ≠ 0
      }
      float[] lanes = VectorMath.lanes();
      sum.intoArray(lanes, 0);
      float inverse = 1f / VectorMath.sumLanes(lanes);
      i = 0;
      for (int bound = F.loopBound(cols); i < bound; i += L) {
        FloatVector.fromArray(F, out, o + i).mul(inverse).intoArray(out, o + i);
      }
      if (i < cols) {
        VectorMask<Float> m = F.indexInRange(i, cols);
        FloatVector.fromArray(F, out, o + i, m).mul(inverse).intoArray(out, o + i, m);
      }
    }
  }

  @Override
  public void logSoftmaxRows(float[] out, int outOff, float[] x, int xOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int in = xOff + r * cols;
      int o = outOff + r * cols;
      float max = SimdReductions.maxOf(x, in, cols);
      FloatVector sum = FloatVector.zero(F);
      int i = 0;
      for (int bound = F.loopBound(cols); i < bound; i += L) {
        sum = sum.add(VectorMath.exp(FloatVector.fromArray(F, x, in + i).sub(max)));
      }
      if (i < cols) {
        VectorMask<Float> m = F.indexInRange(i, cols);
        FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, in + i, m).sub(max));
        sum = sum.add(FloatVector.zero(F).blend(e, m)); // past the end exp(0 - max) ≠ 0
      }
      float[] lanes = VectorMath.lanes();
      sum.intoArray(lanes, 0);
      float logSum = (float) Math.log(VectorMath.sumLanes(lanes));
      i = 0;
      for (int bound = F.loopBound(cols); i < bound; i += L) {
        FloatVector.fromArray(F, x, in + i).sub(max).sub(logSum).intoArray(out, o + i);
      }
      if (i < cols) {
        VectorMask<Float> m = F.indexInRange(i, cols);
        FloatVector.fromArray(F, x, in + i, m).sub(max).sub(logSum).intoArray(out, o + i, m);
      }
    }
  }
}
