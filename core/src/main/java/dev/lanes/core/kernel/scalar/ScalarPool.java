package dev.lanes.core.kernel.scalar;

import dev.lanes.core.kernel.Pool2dGeometry;
import dev.lanes.core.kernel.PoolKernels;
import java.util.Arrays;

/** Reference pooling: for every output, a plain scan of its window, skipping padding. */
public final class ScalarPool implements PoolKernels {
  @Override
  public void maxPoolForward(float[] out, int outOff, int[] argmax, int argOff, float[] x,
      int xOff, Pool2dGeometry g) {
    int h = g.height();
    int w = g.width();
    int outH = g.outHeight();
    int outW = g.outWidth();
    int o = 0;
    for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
      int in = xOff + plane * h * w;
      for (int oh = 0; oh < outH; oh++) {
        for (int ow = 0; ow < outW; ow++, o++) {
          float best = 0;
          int bestAt = -1;
          for (int ky = 0; ky < g.kernelH(); ky++) {
            int ih = oh * g.strideH() - g.padH() + ky;
            if (ih < 0 || ih >= h) {
              continue;
            }
            for (int kx = 0; kx < g.kernelW(); kx++) {
              int iw = ow * g.strideW() - g.padW() + kx;
              if (iw < 0 || iw >= w) {
                continue;
              }
              float v = x[in + ih * w + iw];
              if (bestAt < 0 || isBetter(v, best)) {
                best = v;
                bestAt = ih * w + iw;
              }
            }
          }
          out[outOff + o] = best;
          argmax[argOff + o] = bestAt;
        }
      }
    }
  }

  /** Strictly greater, with NaN above every number and the first NaN kept. */
  public static boolean isBetter(float v, float best) {
    return v > best || (Float.isNaN(v) && !Float.isNaN(best));
  }

  @Override
  public void maxPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, int[] argmax,
      int argOff, Pool2dGeometry g) {
    int planeSize = g.height() * g.width();
    int outPlane = g.outHeight() * g.outWidth();
    Arrays.fill(dx, dxOff, dxOff + g.inputSize(), 0f);
    for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
      int in = dxOff + plane * planeSize;
      int o = plane * outPlane;
      for (int i = 0; i < outPlane; i++) {
        dx[in + argmax[argOff + o + i]] += dy[dyOff + o + i];
      }
    }
  }

  @Override
  public void avgPoolForward(float[] out, int outOff, float[] x, int xOff, Pool2dGeometry g,
      boolean countPadding) {
    int h = g.height();
    int w = g.width();
    int o = 0;
    for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
      int in = xOff + plane * h * w;
      for (int oh = 0; oh < g.outHeight(); oh++) {
        for (int ow = 0; ow < g.outWidth(); ow++, o++) {
          float sum = 0;
          int count = 0;
          for (int ky = 0; ky < g.kernelH(); ky++) {
            int ih = oh * g.strideH() - g.padH() + ky;
            for (int kx = 0; kx < g.kernelW(); kx++) {
              int iw = ow * g.strideW() - g.padW() + kx;
              if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                sum += x[in + ih * w + iw];
                count++;
              }
            }
          }
          out[outOff + o] = sum / (countPadding ? g.kernelH() * g.kernelW() : count);
        }
      }
    }
  }

  @Override
  public void avgPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, Pool2dGeometry g,
      boolean countPadding) {
    int h = g.height();
    int w = g.width();
    Arrays.fill(dx, dxOff, dxOff + g.inputSize(), 0f);
    int o = 0;
    for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
      int in = dxOff + plane * h * w;
      for (int oh = 0; oh < g.outHeight(); oh++) {
        for (int ow = 0; ow < g.outWidth(); ow++, o++) {
          int rowLo = Math.max(0, oh * g.strideH() - g.padH());
          int rowHi = Math.min(h, oh * g.strideH() - g.padH() + g.kernelH());
          int colLo = Math.max(0, ow * g.strideW() - g.padW());
          int colHi = Math.min(w, ow * g.strideW() - g.padW() + g.kernelW());
          int count = countPadding ? g.kernelH() * g.kernelW() : (rowHi - rowLo) * (colHi - colLo);
          float share = dy[dyOff + o] / count;
          for (int ih = rowLo; ih < rowHi; ih++) {
            for (int iw = colLo; iw < colHi; iw++) {
              dx[in + ih * w + iw] += share;
            }
          }
        }
      }
    }
  }

  @Override
  public void globalAvgPoolForward(float[] out, int outOff, float[] x, int xOff, int batch,
      int channels, int spatial) {
    for (int p = 0; p < batch * channels; p++) {
      double sum = 0;
      for (int i = 0; i < spatial; i++) {
        sum += x[xOff + p * spatial + i];
      }
      out[outOff + p] = (float) (sum / spatial);
    }
  }

  @Override
  public void globalAvgPoolBackward(float[] dx, int dxOff, float[] dy, int dyOff, int batch,
      int channels, int spatial) {
    for (int p = 0; p < batch * channels; p++) {
      float share = dy[dyOff + p] / spatial;
      Arrays.fill(dx, dxOff + p * spatial, dxOff + (p + 1) * spatial, share);
    }
  }
}
