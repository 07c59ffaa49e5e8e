package dev.lanes.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInputTest {
  @TempDir
  Path dir;

  @Test
  void boxFilterAveragesTheCoveredPixels() {
    float[] src = {
        1, 2, 3, 4,
        5, 6, 7, 8,
        9, 10, 11, 12,
        13, 14, 15, 16};
    float[] dst = new float[4];
    ImageInput.resize(src, 4, 4, dst, 0, 2, 2);
    assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, dst);
    // 3 → 2: the middle source pixel is split half and half
    float[] row = new float[2];
    ImageInput.resize(new float[] {0, 3, 6}, 3, 1, row, 0, 2, 1);
    assertArrayEquals(new float[] {1f, 5f}, row, 1e-6f);
  }

  @Test
  void grayscaleLuminanceAndInversionOfLightPictures() throws Exception {
    // mostly white with one pure red pixel: inverted, the red one is 1 - 0.299
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xFFFFFF);
    image.setRGB(1, 0, 0xFF0000);
    image.setRGB(0, 1, 0xFFFFFF);
    image.setRGB(1, 1, 0xFFFFFF);
    Path png = dir.resolve("red.png");
    ImageIO.write(image, "png", png.toFile());
    float[] x = ImageInput.read(png, 1, 2, 2);
    assertEquals(0f, x[0], 1e-6f);
    assertEquals(1 - 0.299f, x[1], 1e-6f);
    // dark pictures are left as they are
    image.setRGB(0, 0, 0);
    image.setRGB(0, 1, 0);
    image.setRGB(1, 1, 0x808080);
    ImageIO.write(image, "png", png.toFile());
    float[] dark = ImageInput.read(png, 1, 1, 1);
    assertEquals((0.299f + 128 / 255f) / 4, dark[0], 1e-6f);
  }
}
