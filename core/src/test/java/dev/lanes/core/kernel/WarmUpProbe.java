package dev.lanes.core.kernel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Run in a fresh JVM by {@link WarmUpDeterminismTest}: prints a hash of every SIMD kernel's
 * result on its first (interpreted) call, then again after enough calls for C2 to compile it.
 */
public final class WarmUpProbe {
  private WarmUpProbe() {}

  public static void main(String[] args) {
    KernelProvider p = KernelProvider.simd();
    SplittableRandom r = new SplittableRandom(1);
    int n = 1003;
    float[] x = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextDouble(-12, 12);
      y[i] = (float) r.nextDouble(-1, 1);
    }
    float[] out = new float[n];
    float[] c = new float[17 * 19];
    StringBuilder first = new StringBuilder();
    StringBuilder later = new StringBuilder();
    for (int round = 0; round < 30_000; round++) {
      StringBuilder sb = round == 0 ? first : later;
      if (round == 0 || round == 29_999) {
        sb.setLength(0);
      }
      p.activations().exp(out, 0, x, 0, n);
      int h = Arrays.hashCode(out);
      p.activations().sigmoid(out, 0, x, 0, n);
      h = h * 31 + Arrays.hashCode(out);
      p.activations().tanh(out, 0, x, 0, n);
      h = h * 31 + Arrays.hashCode(out);
      p.activations().gelu(out, 0, x, 0, n);
      h = h * 31 + Arrays.hashCode(out);
      p.activations().softplus(out, 0, x, 0, n);
      h = h * 31 + Arrays.hashCode(out);
      p.softmax().softmaxRows(out, 0, x, 0, 17, 59);
      h = h * 31 + Arrays.hashCode(out);
      p.softmax().logSoftmaxRows(out, 0, x, 0, 17, 59);
      h = h * 31 + Arrays.hashCode(out);
      h = h * 31 + Float.floatToIntBits(p.reductions().sum(x, 0, n));
      h = h * 31 + Float.floatToIntBits(p.reductions().dot(x, 0, y, 0, n));
      p.gemm().sgemm(false, true, 17, 19, 23, 1f, x, 0, 23, y, 0, 23, 0f, c, 0, 19);
      h = h * 31 + Arrays.hashCode(c);
      if (round == 0 || round == 29_999) {
        sb.append(h);
      }
    }
    System.out.println("first " + first);
    System.out.println("later " + later);
  }
}
