package dev.lanes.core.kernel;

/** Run in a forked JVM by {@link KernelProviderTest}: prints the provider, then uses kernels twice. */
public final class ProviderProbe {
  private ProviderProbe() {}

  public static void main(String[] args) {
    System.out.println("provider: " + KernelProvider.get().description());
    float[] x = {1f, 2f, 3f};
    float[] out = new float[3];
    Activations.exp(out, 0, x, 0, 3);
    Elementwise.add(out, 0, out, 0, x, 0, 3);
    System.out.println("exp(1) + 1 = " + out[0]);
  }
}
