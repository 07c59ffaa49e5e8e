package dev.lanes.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns a picture (PNG, JPEG, GIF, BMP) into a model input (C, H, W) with values in [0, 1]:
 *
 * <ol>
 *   <li>transparent pixels are laid on white;
 *   <li>for a one-channel model, each pixel becomes its luminance 0.299·R + 0.587·G + 0.114·B
 *       (ITU-R BT.601); a three-channel model gets R, G, B;
 *   <li>the picture is scaled to H×W by averaging the source pixels each target pixel covers
 *       (a box filter: right for shrinking, which is the usual case);
 *   <li>the training images (digits, MNIST, Fashion-MNIST) are light on a dark background, so
 *       a picture whose mean brightness is above one half (dark ink on white paper) is
 *       inverted: v → 1 − v.
 * </ol>
 */
final class ImageInput {
  private ImageInput() {}

  static float[] read(Path file, int channels, int height, int width) throws IOException {
    if (channels != 1 && channels != 3) {
      throw new CliException(CliException.FAILURE, file + ": the model takes " + channels
          + "-channel images; pictures can feed models of 1 (gray) or 3 (RGB) channels");
    }
    if (!Files.isRegularFile(file)) {
      throw new CliException(CliException.FAILURE, file + ": no such file");
    }
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new CliException(CliException.FAILURE, file + ": not a readable image ("
          + e.getMessage() + ")", e);
    }
    if (image == null) {
      throw new CliException(CliException.FAILURE, file + ": not an image this JDK reads"
          + " (PNG, JPEG, GIF or BMP)");
    }
    float[][] planes = planes(image, channels);
    float[] out = new float[channels * height * width];
    for (int c = 0; c < channels; c++) {
      resize(planes[c], image.getWidth(), image.getHeight(), out, c * height * width, width,
          height);
    }
    double mean = 0;
    for (float v : out) {
      mean += v;
    }
    if (mean / out.length > 0.5) {
      for (int i = 0; i < out.length; i++) {
        out[i] = 1 - out[i];
      }
    }
    return out;
  }

  /** The picture as 1 (luminance) or 3 (R, G, B) planes of values in [0, 1], alpha on white. */
  private static float[][] planes(BufferedImage image, int channels) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[][] planes = new float[channels][w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        float a = (argb >>> 24) / 255f;
        float r = over(((argb >> 16) & 0xFF) / 255f, a);
        float g = over(((argb >> 8) & 0xFF) / 255f, a);
        float b = over((argb & 0xFF) / 255f, a);
        if (channels == 1) {
          planes[0][y * w + x] = 0.299f * r + 0.587f * g + 0.114f * b;
        } else {
          planes[0][y * w + x] = r;
          planes[1][y * w + x] = g;
          planes[2][y * w + x] = b;
        }
      }
    }
    return planes;
  }

  private static float over(float value, float alpha) {
    return value * alpha + (1 - alpha);
  }

  /**
   * Box-filter resampling: target pixel (tx, ty) is the area-weighted mean of the source pixels
   * under [tx·sw/tw, (tx+1)·sw/tw) × [ty·sh/th, (ty+1)·sh/th). Enlarging repeats pixels.
   */
  static void resize(float[] src, int sw, int sh, float[] dst, int dstOff, int tw, int th) {
    double fx = (double) sw / tw;
    double fy = (double) sh / th;
    for (int ty = 0; ty < th; ty++) {
      double y0 = ty * fy;
      double y1 = y0 + fy;
      for (int tx = 0; tx < tw; tx++) {
        double x0 = tx * fx;
        double x1 = x0 + fx;
        double sum = 0;
        double area = 0;
        for (int sy = (int) y0; sy < Math.min(sh, (int) Math.ceil(y1)); sy++) {
          double wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
          for (int sx = (int) x0; sx < Math.min(sw, (int) Math.ceil(x1)); sx++) {
            double wx = Math.min(x1, sx + 1) - Math.max(x0, sx);
            sum += wx * wy * src[sy * sw + sx];
            area += wx * wy;
          }
        }
        dst[dstOff + ty * tw + tx] = (float) (sum / area);
      }
    }
  }
}
