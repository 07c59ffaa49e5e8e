package dev.lanes.core.kernel;

/**
 * Activation functions and their backward passes, element by element. Forward kernels write
 * {@code out[i] = f(x[i])}; backward kernels overwrite {@code dx[i] = dy[i] · f'(x[i])}, taking
 * whichever of the forward input {@code x} or output {@code y} gives the cheaper derivative (the
 * parameter name says which). Arguments are checked by the {@link Activations} facade.
 *
 * <p>NaN in, NaN out, except where a documented comparison maps it (relu's backward treats NaN
 * as "not positive").
 */
public interface ActivationKernels {
  /** {@code max(x, 0)}; NaN stays NaN. */
  void relu(float[] out, int outOff, float[] x, int xOff, int n);

  /** {@code dx = x > 0 ? dy : 0}. */
  void reluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff, int n);

  /** {@code x > 0 ? x : alpha·x}. */
  void leakyRelu(float[] out, int outOff, float[] x, int xOff, float alpha, int n);

  /** {@code dx = x > 0 ? dy : alpha·dy}. */
  void leakyReluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff,
      float alpha, int n);

  /** {@code 1 / (1 + exp(-x))}: 0 below about -88, 1 above about 17. */
  void sigmoid(float[] out, int outOff, float[] x, int xOff, int n);

  /** From the output y = sigmoid(x): {@code dx = dy · y · (1 - y)}. */
  void sigmoidBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y, int yOff, int n);

  /** {@code tanh(x)}. */
  void tanh(float[] out, int outOff, float[] x, int xOff, int n);

  /** From the output y = tanh(x): {@code dx = dy · (1 - y·y)}. */
  void tanhBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y, int yOff, int n);

  /** {@code exp(x)}: +Inf above about 88.7, 0 below about -103. */
  void exp(float[] out, int outOff, float[] x, int xOff, int n);

  /** From the output y = exp(x): {@code dx = dy · y}. */
  void expBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] y, int yOff, int n);

  /**
   * GELU in its tanh form (Hendrycks and Gimpel; PyTorch's {@code approximate='tanh'}):
   * {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. For |x| > 10 it is x (x > 0) or 0
   * (x < 0), which is what the formula rounds to in float there; this also makes ±Inf map to
   * +Inf and 0 instead of NaN.
   */
  void gelu(float[] out, int outOff, float[] x, int xOff, int n);

  /**
   * From the input x: {@code dx = dy · (0.5·(1 + t) + 0.5·x·(1 - t²)·√(2/π)·(1 + 3·0.044715·x²))}
   * with {@code t = tanh(√(2/π)·(x + 0.044715·x³))}; for |x| > 10, 1 (x > 0) or 0 (x < 0).
   */
  void geluBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff, int n);

  /** {@code log(1 + exp(x))}, computed as {@code max(x, 0) + log1p(exp(-|x|))} so it never overflows. */
  void softplus(float[] out, int outOff, float[] x, int xOff, int n);

  /** From the input x: {@code dx = dy · sigmoid(x)}. */
  void softplusBackward(float[] dx, int dxOff, float[] dy, int dyOff, float[] x, int xOff, int n);
}
