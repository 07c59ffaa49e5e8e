package dev.lanes.core.kernel;

import java.util.Arrays;

/**
 * im2col and its adjoint col2im for one NCHW image: the patch under every output position laid
 * out as a column, so that a convolution becomes one matrix multiply.
 *
 * <p>For an image x (C, H, W) the matrix col has {@code patchSize = C·kh·kw} rows and
 * {@code outPlane = outH·outW} columns: {@code col[(c·kh + ky)·kw + kx][oh·outW + ow] =
 * x[c][oh·sh - ph + ky·dh][ow·sw - pw + kx·dw]}, zero where that falls into the padding. With
 * stride 1 each run of a row is one {@code System.arraycopy}.
 */
public final class Im2col {
  private Im2col() {}

  /** Overwrites col (patchSize, outPlane) with the patches of one image x (C, H, W). */
  public static void im2col(float[] col, int colOff, float[] x, int xOff, Conv2dGeometry g) {
    int outH = g.outHeight();
    int outW = g.outWidth();
    int row = colOff;
    for (int c = 0; c < g.inChannels(); c++) {
      int plane = xOff + c * g.height() * g.width();
      for (int ky = 0; ky < g.kernelH(); ky++) {
        for (int kx = 0; kx < g.kernelW(); kx++, row += outH * outW) {
          int shift = kx * g.dilationW() - g.padW();
          int owLo = firstInside(shift, g.strideW());
          int owHi = Math.min(outW, lastInside(shift, g.strideW(), g.width()) + 1);
          for (int oh = 0; oh < outH; oh++) {
            int dst = row + oh * outW;
            int ih = oh * g.strideH() - g.padH() + ky * g.dilationH();
            if (ih < 0 || ih >= g.height() || owLo >= owHi) {
              Arrays.fill(col, dst, dst + outW, 0f);
              continue;
            }
            int src = plane + ih * g.width() + shift;
            Arrays.fill(col, dst, dst + owLo, 0f);
            if (g.strideW() == 1) {
              System.arraycopy(x, src + owLo, col, dst + owLo, owHi - owLo);
            } else {
              for (int ow = owLo; ow < owHi; ow++) {
                col[dst + ow] = x[src + ow * g.strideW()];
              }
            }
            Arrays.fill(col, dst + owHi, dst + outW, 0f);
          }
        }
      }
    }
  }

  /**
   * Adds col (patchSize, outPlane) back into one image x (C, H, W): the adjoint of
   * {@link #im2col}, so {@code ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩}. Accumulates into x.
   */
  public static void col2im(float[] x, int xOff, float[] col, int colOff, Conv2dGeometry g,
      ElementwiseKernels elementwise) {
    int outH = g.outHeight();
    int outW = g.outWidth();
    int row = colOff;
    for (int c = 0; c < g.inChannels(); c++) {
      int plane = xOff + c * g.height() * g.width();
      for (int ky = 0; ky < g.kernelH(); ky++) {
        for (int kx = 0; kx < g.kernelW(); kx++, row += outH * outW) {
          int shift = kx * g.dilationW() - g.padW();
          int owLo = firstInside(shift, g.strideW());
          int owHi = Math.min(outW, lastInside(shift, g.strideW(), g.width()) + 1);
          if (owLo >= owHi) {
            continue;
          }
          for (int oh = 0; oh < outH; oh++) {
            int ih = oh * g.strideH() - g.padH() + ky * g.dilationH();
            if (ih < 0 || ih >= g.height()) {
              continue;
            }
            int src = row + oh * outW;
            int dst = plane + ih * g.width() + shift;
            if (g.strideW() == 1) {
              elementwise.add(x, dst + owLo, x, dst + owLo, col, src + owLo, owHi - owLo);
            } else {
              for (int ow = owLo; ow < owHi; ow++) {
                x[dst + ow * g.strideW()] += col[src + ow];
              }
            }
          }
        }
      }
    }
  }

  /** The first ow with ow·stride + shift ≥ 0. */
  private static int firstInside(int shift, int stride) {
    return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  }

  /** The last ow with ow·stride + shift ≤ width - 1 (may be negative: none). */
  private static int lastInside(int shift, int stride, int width) {
    return Math.floorDiv(width - 1 - shift, stride);
  }
}
