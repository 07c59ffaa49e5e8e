package dev.lanes.cli;

import dev.lanes.core.Shape;
import dev.lanes.dsl.Model;
import dev.lanes.dsl.Sequential;
import picocli.CommandLine.ITypeConverter;

/**
 * The small models {@code lanes train --model} builds, each for any image size (or, for mlp,
 * any sample shape) and number of classes. Images are (C, H, W); lstm and gru read an image
 * row by row, as H steps of C·W values.
 */
enum ModelZoo {
  /** flatten → dense 512 → relu → dense 256 → relu → dense classes. */
  MLP("mlp", "a perceptron with two hidden layers, 512 and 256"),
  /**
   * conv 16 3×3 → batch norm → relu → max pool 2 → conv 32 3×3 → batch norm → relu → max pool
   * 2 → dense 128 → relu → dense classes (padding 1 keeps sizes before each pool; the
   * convolutions have no bias, which batch norm's shift replaces).
   */
  CNN("cnn", "two 3x3 convolutions (16, 32 filters) with batch norm and max pooling, dense 128"),
  /** LSTM 128 over the image rows → dense classes. */
  LSTM("lstm", "an LSTM (128 units) reading the image row by row"),
  /** GRU 128 (PyTorch's variant) over the image rows → dense classes. */
  GRU("gru", "a GRU (128 units) reading the image row by row"),
  /**
   * conv 16 → batch norm → relu → residual block of 16 → max pool 2 → conv 32 → batch norm →
   * relu → residual block of 32 → global average pool → dense classes.
   */
  RESNET("resnet", "a small residual network (16, 32 filters, batch norm, two blocks)");

  private final String label;
  private final String description;

  ModelZoo(String label, String description) {
    this.label = label;
    this.description = description;
  }

  @Override
  public String toString() {
    return label;
  }

  String description() {
    return description;
  }

  /** The model for samples of {@code sample} shape and {@code classes} classes. */
  Model build(Shape sample, int classes, long seed) {
    return switch (this) {
      case MLP -> (sample.rank() > 1 ? Sequential.input(sample.dims()).flatten()
          : Sequential.input(sample.dims()))
          .dense(512).relu()
          .dense(256).relu()
          .dense(classes)
          .build(seed);
      case CNN -> {
        int[] chw = image(sample);
        yield Sequential.input(chw)
            .conv2d(16, 3).padding(1).noBias().batchNorm().relu().maxPool2d(2)
            .conv2d(32, 3).padding(1).noBias().batchNorm().relu().maxPool2d(2)
            .flatten().dense(128).relu()
            .dense(classes)
            .build(seed);
      }
      case LSTM -> {
        int[] chw = image(sample);
        yield Sequential.input(chw[1], chw[0] * chw[2]).lstm(128).unitForgetBias()
            .dense(classes).build(seed);
      }
      case GRU -> {
        int[] chw = image(sample);
        yield Sequential.input(chw[1], chw[0] * chw[2]).gru(128).dense(classes).build(seed);
      }
      case RESNET -> {
        int[] chw = image(sample);
        yield Sequential.input(chw)
            .conv2d(16, 3).padding(1).noBias().batchNorm().relu()
            .residual(r -> r.conv2d(16, 3).padding(1).noBias().batchNorm().relu()
                .conv2d(16, 3).padding(1).noBias().batchNorm())
            .relu().maxPool2d(2)
            .conv2d(32, 3).padding(1).noBias().batchNorm().relu()
            .residual(r -> r.conv2d(32, 3).padding(1).noBias().batchNorm().relu()
                .conv2d(32, 3).padding(1).noBias().batchNorm())
            .relu().globalAvgPool2d()
            .dense(classes)
            .build(seed);
      }
    };
  }

  private int[] image(Shape sample) {
    if (sample.rank() != 3) {
      throw new CliException(CliException.USAGE, "--model " + label + " needs images (C, H, W)"
          + " but the samples are " + sample + "; for CSV rows add --image-shape CxHxW");
    }
    int[] chw = sample.dims();
    if (this == CNN && (chw[1] < 4 || chw[2] < 4)) {
      throw new CliException(CliException.USAGE, "--model cnn pools twice by 2 and needs"
          + " images of at least 4x4; the samples are " + sample);
    }
    return chw;
  }

  /** Null when {@code text} names no model of the zoo. */
  static ModelZoo find(String text) {
    return Choices.find(values(), text);
  }

  static String names() {
    return Choices.names(values());
  }

  /** For picocli: {@code --model cnn}. */
  static final class Converter implements ITypeConverter<ModelZoo> {
    @Override
    public ModelZoo convert(String value) {
      return Choices.parse(values(), value);
    }
  }
}
