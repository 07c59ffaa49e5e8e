package dev.lanes.core.kernel;

import dev.lanes.core.kernel.ActivationSplit.Op;

/**
 * Activation functions and their backward passes on float arrays with offsets, running the
 * kernels that {@link KernelProvider#get()} chose. Every method checks its arguments and throws
 * {@link IllegalArgumentException} naming the kernel and the argument; see {@link
 * ActivationKernels} for formulas, special values and which of x or y a backward pass reads.
 * Calls of at least {@value ActivationSplit#MIN_PARALLEL} elements run on the shared pool, in
 * blocks fixed by the length alone: the result is the same bit for bit for any thread count.
 */
public final class Activations {
  private static final ActivationKernels K = KernelProvider.get().activations();

  private Activations() {}

  public static void relu(float[] out, int outOff, float[] x, int xOff, int n) {
    forward("relu", out, outOff, x, xOff, n);
    ActivationSplit.run(K, Op.RELU, out, outOff, x, xOff, null, 0, 0f, n);
  }

  public static void reluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x,
      int xOff, int n) {
    backward("reluBackward", dx, dxOff, dy, dyOff, "x", x, xOff, n);
    ActivationSplit.run(K, Op.RELU_BACKWARD, dx, dxOff, dy, dyOff, x, xOff, 0f, n);
  }

  public static void leakyRelu(float[] out, int outOff, float[] x, int xOff, float alpha, int n) {
    forward("leakyRelu", out, outOff, x, xOff, n);
    ActivationSplit.run(K, Op.LEAKY_RELU, out, outOff, x, xOff, null, 0, alpha, n);
  }

  public static void leakyReluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x,
      int xOff, float alpha, int n) {
    backward("leakyReluBackward", dx, dxOff, dy, dyOff, "x", x, xOff, n);
    ActivationSplit.run(K, Op.LEAKY_RELU_BACKWARD, dx, dxOff, dy, dyOff, x, xOff, alpha, n);
  }

  public static void sigmoid(float[] out, int outOff, float[] x, int xOff, int n) {
    forward("sigmoid", out, outOff, x, xOff, n);
    ActivationSplit.run(K, Op.SIGMOID, out, outOff, x, xOff, null, 0, 0f, n);
  }

  /** Reads the forward output y. */
  public static void sigmoidBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y,
      int yOff, int n) {
    backward("sigmoidBackward", dx, dxOff, dy, dyOff, "y", y, yOff, n);
    ActivationSplit.run(K, Op.SIGMOID_BACKWARD, dx, dxOff, dy, dyOff, y, yOff, 0f, n);
  }

  public static void tanh(float[] out, int outOff, float[] x, int xOff, int n) {
    forward("tanh", out, outOff, x, xOff, n);
    ActivationSplit.run(K, Op.TANH, out, outOff, x, xOff, null, 0, 0f, n);
  }

  /** Reads the forward output y. */
  public static void tanhBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y,
      int yOff, int n) {
    backward("tanhBackward", dx, dxOff, dy, dyOff, "y", y, yOff, n);
    ActivationSplit.run(K, Op.TANH_BACKWARD, dx, dxOff, dy, dyOff, y, yOff, 0f, n);
  }

  public static void exp(float[] out, int outOff, float[] x, int xOff, int n) {
    forward("exp", out, outOff, x, xOff, n);
    ActivationSplit.run(K, Op.EXP, out, outOff, x, xOff, null, 0, 0f, n);
  }

  /** Reads the forward output y. */
  public static void expBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y,
      int yOff, int n) {
    backward("expBackward", dx, dxOff, dy, dyOff, "y", y, yOff, n);
    ActivationSplit.run(K, Op.EXP_BACKWARD, dx, dxOff, dy, dyOff, y, yOff, 0f, n);
  }

  public static void gelu(float[] out, int outOff, float[] x, int xOff, int n) {
    forward("gelu", out, outOff, x, xOff, n);
    ActivationSplit.run(K, Op.GELU, out, outOff, x, xOff, null, 0, 0f, n);
  }

  public static void geluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x,
      int xOff, int n) {
    backward("geluBackward", dx, dxOff, dy, dyOff, "x", x, xOff, n);
    ActivationSplit.run(K, Op.GELU_BACKWARD, dx, dxOff, dy, dyOff, x, xOff, 0f, n);
  }

  public static void softplus(float[] out, int outOff, float[] x, int xOff, int n) {
    forward("softplus", out, outOff, x, xOff, n);
    ActivationSplit.run(K, Op.SOFTPLUS, out, outOff, x, xOff, null, 0, 0f, n);
  }

  public static void softplusBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x,
      int xOff, int n) {
    backward("softplusBackward", dx, dxOff, dy, dyOff, "x", x, xOff, n);
    ActivationSplit.run(K, Op.SOFTPLUS_BACKWARD, dx, dxOff, dy, dyOff, x, xOff, 0f, n);
  }

  private static void forward(String kernel, float[] out, int outOff, float[] x, int xOff, int n) {
    Checks.nonNegative(kernel, "n", n);
    Checks.range(kernel, "out", out, outOff, n);
    Checks.range(kernel, "x", x, xOff, n);
  }

  private static void backward(String kernel, float[] dx, int dxOff, float[] dy, int dyOff,
      String savedName, float[] saved, int savedOff, int n) {
    Checks.nonNegative(kernel, "n", n);
    Checks.range(kernel, "dx", dx, dxOff, n);
    Checks.range(kernel, "dy", dy, dyOff, n);
    Checks.range(kernel, savedName, saved, savedOff, n);
  }
}
