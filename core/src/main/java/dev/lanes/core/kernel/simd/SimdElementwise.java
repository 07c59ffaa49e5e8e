package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;

import dev.lanes.core.kernel.ElementwiseKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Element-wise kernels on the Vector API. Each loop runs whole vectors up to
 * {@code loopBound(n)} and finishes with one masked vector, so every element goes through the
 * same instructions wherever it sits.
 */
final class SimdElementwise implements ElementwiseKernels {
  @Override
  public void fill(float[] out, int outOff, float value, int n) {
    FloatVector v = FloatVector.broadcast(F, value);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      v.intoArray(out, outOff + i);
    }
    if (i < n) {
      v.intoArray(out, outOff + i, F.indexInRange(i, n));
    }
  }

  @Override
  public void copy(float[] out, int outOff, float[] x, int xOff, int n) {
    // arraycopy is an intrinsic that already uses the widest moves the CPU has
    System.arraycopy(x, xOff, out, outOff, n);
  }

  @Override
  public void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector.fromArray(F, a, aOff + i, m).add(FloatVector.fromArray(F, b, bOff + i, m))
          .intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void sub(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector.fromArray(F, a, aOff + i, m).sub(FloatVector.fromArray(F, b, bOff + i, m))
          .intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector.fromArray(F, a, aOff + i, m).mul(FloatVector.fromArray(F, b, bOff + i, m))
          .intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void scale(float[] out, int outOff, float alpha, float[] x, int xOff, int n) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i).mul(alpha).intoArray(out, outOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector.fromArray(F, x, xOff + i, m).mul(alpha).intoArray(out, outOff + i, m);
    }
  }

  @Override
  public void axpy(float[] y, int yOff, float alpha, float[] x, int xOff, int n) {
    // mul then add, not fma: the same rounding as the scalar reference's y += alpha * x
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i).mul(alpha).add(FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector.fromArray(F, x, xOff + i, m).mul(alpha)
          .add(FloatVector.fromArray(F, y, yOff + i, m)).intoArray(y, yOff + i, m);
    }
  }

  @Override
  public void addRowBias(float[] x, int xOff, float[] bias, int biasOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      add(x, xOff + r * cols, x, xOff + r * cols, bias, biasOff, cols);
    }
  }

  @Override
  public void addChannelBias(float[] x, int xOff, float[] bias, int biasOff,
      int batch, int channels, int spatial) {
    for (int b = 0; b < batch; b++) {
      for (int c = 0; c < channels; c++) {
        int base = xOff + (b * channels + c) * spatial;
        FloatVector v = FloatVector.broadcast(F, bias[biasOff + c]);
        int i = 0;
        for (int bound = F.loopBound(spatial); i < bound; i += L) {
          FloatVector.fromArray(F, x, base + i).add(v).intoArray(x, base + i);
        }
        if (i < spatial) {
          VectorMask<Float> m = F.indexInRange(i, spatial);
          FloatVector.fromArray(F, x, base + i, m).add(v).intoArray(x, base + i, m);
        }
      }
    }
  }
}
