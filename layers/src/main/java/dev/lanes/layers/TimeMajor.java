package dev.lanes.layers;

/**
 * Copies between the batch-first layout of sequences that layers exchange, (N, T, W), and the
 * time-major layout the recurrent layers compute in, (T, N, W), where the N rows of one step are
 * one contiguous block. Each copy moves whole rows of W floats.
 */
final class TimeMajor {
  private TimeMajor() {}

  /** dst (T, N, W) at dstOff ← src (N, T, W) at srcOff. */
  static void fromBatchFirst(float[] dst, int dstOff, float[] src, int srcOff, int n, int steps,
      int width) {
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < steps; t++) {
        System.arraycopy(src, srcOff + (i * steps + t) * width, dst,
            dstOff + (t * n + i) * width, width);
      }
    }
  }

  /** dst (N, T, W) at dstOff ← src (T, N, W) at srcOff. */
  static void toBatchFirst(float[] dst, int dstOff, float[] src, int srcOff, int n, int steps,
      int width) {
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < steps; t++) {
        System.arraycopy(src, srcOff + (t * n + i) * width, dst,
            dstOff + (i * steps + t) * width, width);
      }
    }
  }

  /** dst (cols, rows) ← srcᵀ, src (rows, cols) at srcOff. */
  static void transpose(float[] dst, float[] src, int srcOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int from = srcOff + r * cols;
      for (int c = 0; c < cols; c++) {
        dst[c * rows + r] = src[from + c];
      }
    }
  }

  /** dst (cols, rows) at dstOff += srcᵀ, src (rows, cols). */
  static void addTransposed(float[] dst, int dstOff, float[] src, int rows, int cols) {
    for (int c = 0; c < cols; c++) {
      int to = dstOff + c * rows;
      for (int r = 0; r < rows; r++) {
        dst[to + r] += src[r * cols + c];
      }
    }
  }
}
