package dev.lanes.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that choose and read a data set, shared by train and evaluate. */
final class DataOptions {
  @Option(names = "--dataset", converter = DatasetKind.Converter.class, paramLabel = "NAME",
      description = "digits (built in), fashion-mnist, mnist or csv. Default: digits for "
          + "train, the model's own data set for evaluate.")
  DatasetKind dataset;

  @Option(names = "--data", paramLabel = "DIR|FILE",
      description = "Where the data is: a directory of IDX files (train-images-idx3-ubyte[.gz] "
          + "and so on) for mnist and fashion-mnist (default for fashion-mnist: "
          + "/usr/share/datasets/fashion-mnist), the training CSV file for csv.")
  Path data;

  @Option(names = "--test-data", paramLabel = "FILE",
      description = "csv: the test CSV file. Without it, a seeded fifth of --data is held out.")
  Path testData;

  @Option(names = "--label-column", defaultValue = "-1", paramLabel = "N",
      description = "csv: the label's column, from 0; negative counts from the end. "
          + "Default: ${DEFAULT-VALUE} (the last).")
  int labelColumn;

  @Option(names = "--header", description = "csv: the first line is a header.")
  boolean header;

  @Option(names = "--scale", defaultValue = "1", paramLabel = "DIVISOR",
      description = "csv: divide every feature by this (255 for 8-bit pixels). "
          + "Default: ${DEFAULT-VALUE}.")
  float scale;

  @Option(names = "--image-shape", paramLabel = "CxHxW",
      description = "csv: read each row as an image of this shape (1x28x28), so that cnn, "
          + "resnet, lstm and gru models can take it.")
  String imageShape;
}
