package dev.lanes.core.kernel.scalar;

import dev.lanes.core.kernel.Conv2dGeometry;
import dev.lanes.core.kernel.ConvKernels;

/**
 * Reference convolution: the direct loops over batch, output channel, output row and column,
 * input channel and kernel row and column, every sum in double. Each output (and each input
 * gradient, and each weight gradient) is one sum gathered from its terms, which makes the
 * reference easy to check against the definition.
 */
public final class ScalarConv implements ConvKernels {
  @Override
  public void forward(float[] y, int yOff, float[] x, int xOff, float[] w, int wOff,
      float[] bias, int biasOff, Conv2dGeometry g) {
    int outH = g.outHeight();
    int outW = g.outWidth();
    for (int n = 0; n < g.batch(); n++) {
      for (int o = 0; o < g.outChannels(); o++) {
        for (int oh = 0; oh < outH; oh++) {
          for (int ow = 0; ow < outW; ow++) {
            double sum = bias == null ? 0 : bias[biasOff + o];
            for (int c = 0; c < g.inChannels(); c++) {
              for (int ky = 0; ky < g.kernelH(); ky++) {
                int ih = oh * g.strideH() - g.padH() + ky * g.dilationH();
                if (ih < 0 || ih >= g.height()) {
                  continue;
                }
                for (int kx = 0; kx < g.kernelW(); kx++) {
                  int iw = ow * g.strideW() - g.padW() + kx * g.dilationW();
                  if (iw < 0 || iw >= g.width()) {
                    continue;
                  }
                  sum += (double) w[wOff + weightIndex(g, o, c, ky, kx)]
                      * x[xOff + ((n * g.inChannels() + c) * g.height() + ih) * g.width() + iw];
                }
              }
            }
            y[yOff + ((n * g.outChannels() + o) * outH + oh) * outW + ow] = (float) sum;
          }
        }
      }
    }
  }

  @Override
  public void backwardData(float[] dx, int dxOff, float[] dy, int dyOff, float[] w, int wOff,
      Conv2dGeometry g) {
    int outH = g.outHeight();
    int outW = g.outWidth();
    for (int n = 0; n < g.batch(); n++) {
      for (int c = 0; c < g.inChannels(); c++) {
        for (int ih = 0; ih < g.height(); ih++) {
          for (int iw = 0; iw < g.width(); iw++) {
            // every output that read x[n][c][ih][iw]: oh·sh - ph + ky·dh = ih
            double sum = 0;
            for (int o = 0; o < g.outChannels(); o++) {
              for (int ky = 0; ky < g.kernelH(); ky++) {
                int rowNum = ih + g.padH() - ky * g.dilationH();
                if (rowNum < 0 || rowNum % g.strideH() != 0 || rowNum / g.strideH() >= outH) {
                  continue;
                }
                int oh = rowNum / g.strideH();
                for (int kx = 0; kx < g.kernelW(); kx++) {
                  int colNum = iw + g.padW() - kx * g.dilationW();
                  if (colNum < 0 || colNum % g.strideW() != 0 || colNum / g.strideW() >= outW) {
                    continue;
                  }
                  int ow = colNum / g.strideW();
                  sum += (double) w[wOff + weightIndex(g, o, c, ky, kx)]
                      * dy[dyOff + ((n * g.outChannels() + o) * outH + oh) * outW + ow];
                }
              }
            }
            dx[dxOff + ((n * g.inChannels() + c) * g.height() + ih) * g.width() + iw] =
                (float) sum;
          }
        }
      }
    }
  }

  @Override
  public void backwardWeights(float[] dw, int dwOff, float[] dBias, int dBiasOff, float[] dy,
      int dyOff, float[] x, int xOff, Conv2dGeometry g) {
    int outH = g.outHeight();
    int outW = g.outWidth();
    for (int o = 0; o < g.outChannels(); o++) {
      for (int c = 0; c < g.inChannels(); c++) {
        for (int ky = 0; ky < g.kernelH(); ky++) {
          for (int kx = 0; kx < g.kernelW(); kx++) {
            double sum = 0;
            for (int n = 0; n < g.batch(); n++) {
              for (int oh = 0; oh < outH; oh++) {
                int ih = oh * g.strideH() - g.padH() + ky * g.dilationH();
                if (ih < 0 || ih >= g.height()) {
                  continue;
                }
                for (int ow = 0; ow < outW; ow++) {
                  int iw = ow * g.strideW() - g.padW() + kx * g.dilationW();
                  if (iw < 0 || iw >= g.width()) {
                    continue;
                  }
                  sum += (double) dy[dyOff + ((n * g.outChannels() + o) * outH + oh) * outW + ow]
                      * x[xOff + ((n * g.inChannels() + c) * g.height() + ih) * g.width() + iw];
                }
              }
            }
            int at = dwOff + weightIndex(g, o, c, ky, kx);
            dw[at] = (float) (dw[at] + sum);
          }
        }
      }
      if (dBias != null) {
        double sum = 0;
        for (int n = 0; n < g.batch(); n++) {
          int base = dyOff + (n * g.outChannels() + o) * outH * outW;
          for (int i = 0; i < outH * outW; i++) {
            sum += dy[base + i];
          }
        }
        dBias[dBiasOff + o] = (float) (dBias[dBiasOff + o] + sum);
      }
    }
  }

  private static int weightIndex(Conv2dGeometry g, int o, int c, int ky, int kx) {
    return ((o * g.inChannels() + c) * g.kernelH() + ky) * g.kernelW() + kx;
  }
}
