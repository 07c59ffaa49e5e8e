package dev.lanes.core.kernel;

import java.util.Arrays;

/**
 * im2col and its adjoint col2im for one NCHW image: the patch under every output position laid
 * out as a column, so that a convolution becomes one matrix multiply.
 *
 * <p>For an image x (C, H, W) the matrix col has {@code patchSize = C·kh·kw} rows and
 * {@code outPlane = outH·outW} columns: {@code col[(c·kh + ky)·kw + kx][oh·outW + ow] =
 * x[c][oh·sh - ph + ky·dh][ow·sw - pw + kx·dw]}, zero where that falls into the padding. The
 * rows may be longer than outPlane (a leading dimension {@code ldCol}), so that the columns of
 * several images sit side by side in one wider matrix.
 *
 * <p>Speed: a row of col is outH runs of outW values. With stride 1 and outW = W (a "same"
 * convolution, the usual case) the runs of one row of col follow each other in x as they do in
 * col, apart from the |shift| values at each run's end that wrap into the next row of x: one
 * {@code System.arraycopy} moves the whole row and a few stores zero the wrapped values. For a
 * 14x14 image that is one call instead of fourteen, and the calls, not the bytes, were the cost.
 */
public final class Im2col {
  private Im2col() {}

  /** Overwrites col (patchSize, outPlane) with the patches of one image x (C, H, W). */
  public static void im2col(float[] col, int colOff, float[] x, int xOff, Conv2dGeometry g) {
    im2col(col, colOff, g.outPlane(), x, xOff, g, 0, g.inChannels());
  }

  /**
   * Overwrites the rows of channels [cFrom, cTo) of col (patchSize, outPlane), whose rows are
   * ldCol floats apart, with the patches of one image x (C, H, W).
   */
  static void im2col(float[] col, int colOff, int ldCol, float[] x, int xOff, Conv2dGeometry g,
      int cFrom, int cTo) {
    int outH = g.outHeight();
    int outW = g.outWidth();
    int kk = g.kernelH() * g.kernelW();
    boolean flat = g.strideH() == 1 && g.strideW() == 1 && outW == g.width();
    for (int c = cFrom; c < cTo; c++) {
      int plane = xOff + c * g.height() * g.width();
      int row = colOff + c * kk * ldCol;
      for (int ky = 0; ky < g.kernelH(); ky++) {
        int shiftH = ky * g.dilationH() - g.padH();
        int ohLo = firstInside(shiftH, g.strideH());
        int ohHi = Math.min(outH, lastInside(shiftH, g.strideH(), g.height()) + 1);
        for (int kx = 0; kx < g.kernelW(); kx++, row += ldCol) {
          int shift = kx * g.dilationW() - g.padW();
          int owLo = firstInside(shift, g.strideW());
          int owHi = Math.min(outW, lastInside(shift, g.strideW(), g.width()) + 1);
          if (ohLo >= ohHi || owLo >= owHi) {
            Arrays.fill(col, row, row + outH * outW, 0f);
            continue;
          }
          if (flat) {
            // rows ohLo..ohHi-1 in one copy; then zero what lies in the padding
            int dst = row + ohLo * outW + owLo;
            int src = plane + (ohLo + shiftH) * g.width() + shift + owLo;
            int len = (ohHi - 1 - ohLo) * outW + (owHi - owLo);
            Arrays.fill(col, row, dst, 0f);
            System.arraycopy(x, src, col, dst, len);
            for (int oh = ohLo; oh < ohHi - 1; oh++) {
              int at = row + oh * outW;
              for (int ow = owHi; ow < outW + owLo; ow++) {
                col[at + ow] = 0f; // past the row's end, and the next row's start
              }
            }
            Arrays.fill(col, dst + len, row + outH * outW, 0f);
            continue;
          }
          for (int oh = 0; oh < outH; oh++) {
            int dst = row + oh * outW;
            if (oh < ohLo || oh >= ohHi) {
              Arrays.fill(col, dst, dst + outW, 0f);
              continue;
            }
            int ih = oh * g.strideH() + shiftH;
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
   * {@link #im2col}, so {@code ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩}. Accumulates into x; col is
   * not modified.
   */
  public static void col2im(float[] x, int xOff, float[] col, int colOff, Conv2dGeometry g,
      ElementwiseKernels elementwise) {
    col2im(x, xOff, col, colOff, g.outPlane(), g, elementwise, false);
  }

  /**
   * col2im from col rows ldCol floats apart. With {@code mayClobber} the caller's col is its own
   * scratch: the values that fall into the padding are zeroed in place, which lets a "same"
   * convolution add each row of col in one run (see the class comment); the zeros add nothing.
   */
  static void col2im(float[] x, int xOff, float[] col, int colOff, int ldCol, Conv2dGeometry g,
      ElementwiseKernels elementwise, boolean mayClobber) {
    int outH = g.outHeight();
    int outW = g.outWidth();
    boolean flat = mayClobber && g.strideH() == 1 && g.strideW() == 1 && outW == g.width();
    int row = colOff;
    for (int c = 0; c < g.inChannels(); c++) {
      int plane = xOff + c * g.height() * g.width();
      for (int ky = 0; ky < g.kernelH(); ky++) {
        int shiftH = ky * g.dilationH() - g.padH();
        int ohLo = firstInside(shiftH, g.strideH());
        int ohHi = Math.min(outH, lastInside(shiftH, g.strideH(), g.height()) + 1);
        for (int kx = 0; kx < g.kernelW(); kx++, row += ldCol) {
          int shift = kx * g.dilationW() - g.padW();
          int owLo = firstInside(shift, g.strideW());
          int owHi = Math.min(outW, lastInside(shift, g.strideW(), g.width()) + 1);
          if (owLo >= owHi || ohLo >= ohHi) {
            continue;
          }
          if (flat) {
            for (int oh = ohLo; oh < ohHi - 1; oh++) {
              int at = row + oh * outW;
              for (int ow = owHi; ow < outW + owLo; ow++) {
                col[at + ow] = 0f;
              }
            }
            int src = row + ohLo * outW + owLo;
            int dst = plane + (ohLo + shiftH) * g.width() + shift + owLo;
            int len = (ohHi - 1 - ohLo) * outW + (owHi - owLo);
            elementwise.add(x, dst, x, dst, col, src, len);
            continue;
          }
          for (int oh = ohLo; oh < ohHi; oh++) {
            int ih = oh * g.strideH() + shiftH;
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

  /** The first o with o·stride + shift ≥ 0. */
  private static int firstInside(int shift, int stride) {
    return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  }

  /** The last o with o·stride + shift ≤ size - 1 (may be negative: none). */
  private static int lastInside(int shift, int stride, int size) {
    return Math.floorDiv(size - 1 - shift, stride);
  }
}
