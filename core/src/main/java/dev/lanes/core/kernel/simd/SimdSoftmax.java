package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;

import dev.lanes.core.kernel.SoftmaxKernels;
import jdk.incubator.vector.FloatVector;

/**
 * Row softmax on the Vector API in three passes over each row: the maximum, exp(x - max) with
 * its sum, then the normalisation. Subtracting the maximum keeps every exp in [0, 1], so no
 * logit overflows.
 *
 * <p>Each method calls {@link VectorMath#exp} from one place: with a second call site for the
 * tail C2 ran out of inlining budget, and a vector passed to a call that is not inlined is boxed
 * (8 KB per call for 64 rows of 10). The tail is instead a whole vector padded with −∞
 * ({@link Tail}), whose exp is 0.
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
      for (; i < cols; i += L) {
        // one call site of exp (see the class comment); the tail is padded with -Inf, whose
        // exp is 0, so it adds nothing to the sum
        int count = Math.min(L, cols - i);
        float[] src = count == L ? x : Tail.load(0, x, in + i, count, Float.NEGATIVE_INFINITY);
        FloatVector e = VectorMath.exp(FloatVector.fromArray(F, src, count == L ? in + i : 0)
            .sub(max));
        sum = sum.add(e);
        if (count == L) {
          e.intoArray(out, o + i);
        } else {
          e.intoArray(src, 0);
          System.arraycopy(src, 0, out, o + i, count);
        }
      }
      float[] lanes = VectorMath.lanes();
      sum.intoArray(lanes, 0);
      float inverse = 1f / VectorMath.sumLanes(lanes);
      i = 0;
      for (int bound = F.loopBound(cols); i < bound; i += L) {
        FloatVector.fromArray(F, out, o + i).mul(inverse).intoArray(out, o + i);
      }
      for (; i < cols; i++) {
        out[o + i] *= inverse;
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
      for (; i < cols; i += L) {
        int count = Math.min(L, cols - i);
        float[] src = count == L ? x : Tail.load(0, x, in + i, count, Float.NEGATIVE_INFINITY);
        sum = sum.add(VectorMath.exp(FloatVector.fromArray(F, src, count == L ? in + i : 0)
            .sub(max)));
      }
      float[] lanes = VectorMath.lanes();
      sum.intoArray(lanes, 0);
      float logSum = (float) Math.log(VectorMath.sumLanes(lanes));
      i = 0;
      for (int bound = F.loopBound(cols); i < bound; i += L) {
        FloatVector.fromArray(F, x, in + i).sub(max).sub(logSum).intoArray(out, o + i);
      }
      for (; i < cols; i++) {
        out[o + i] = x[in + i] - max - logSum;
      }
    }
  }
}
