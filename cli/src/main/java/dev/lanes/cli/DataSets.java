package dev.lanes.cli;

import dev.lanes.core.Shape;
import dev.lanes.dsl.data.CsvReader;
import dev.lanes.dsl.data.Dataset;
import dev.lanes.dsl.data.IdxReader;
import dev.lanes.dsl.data.Normalization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the data set that {@link DataOptions} names. */
final class DataSets {
  /** Where Debian's dataset-fashion-mnist package puts the files. */
  static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  static final String DIGITS_RESOURCE = "data/digits.csv.gz";
  /** The digits split: a seeded permutation, 80% (1,438 images) for training, 359 for test. */
  static final long DIGITS_SPLIT_SEED = 42;
  static final double DIGITS_TRAIN_FRACTION = 0.8;
  static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
      "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  private DataSets() {}

  static LoadedData load(DataOptions options) throws IOException {
    DatasetKind kind = options.dataset != null ? options.dataset : DatasetKind.DIGITS;
    return switch (kind) {
      case DIGITS -> digits();
      case FASHION_MNIST -> idx("fashion-mnist",
          options.data != null ? options.data : FASHION_MNIST_DIR, FASHION_CLASSES);
      case MNIST -> {
        if (options.data == null) {
          throw new CliException(CliException.USAGE, "mnist: say where the IDX files are with"
              + " --data DIR (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],"
              + " t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz])");
        }
        yield idx("mnist", options.data, numbers(10));
      }
      case CSV -> csv(options);
    };
  }

  /** The built-in 8×8 digits, pixels 0..16 scaled to [0, 1], as (N, 1, 8, 8) images. */
  static LoadedData digits() throws IOException {
    Dataset all;
    try (InputStream in = DataSets.class.getResourceAsStream(DIGITS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the built-in digits (" + DIGITS_RESOURCE
            + ") are missing from the class path");
      }
      all = CsvReader.labelColumn(-1).numClasses(10).read(in, "digits.csv.gz (built in)");
    }
    all = Normalization.divideBy(16).apply(all).reshapeSamples(1, 8, 8);
    Dataset.Split split = all.split(DIGITS_TRAIN_FRACTION, DIGITS_SPLIT_SEED);
    return new LoadedData("digits", split.first(), split.second(), 16, numbers(10),
        "built-in digits (scikit-learn's copy of UCI optdigits)");
  }

  private static LoadedData idx(String name, Path dir, List<String> classes) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw missing(name, dir, "is not a directory");
    }
    Path trainImages = find(name, dir, "train-images", "idx3");
    Path trainLabels = find(name, dir, "train-labels", "idx1");
    Path testImages = find(name, dir, "t10k-images", "idx3");
    Path testLabels = find(name, dir, "t10k-labels", "idx1");
    Dataset train = IdxReader.read(trainImages, trainLabels, classes.size(), true);
    Dataset test = IdxReader.read(testImages, testLabels, classes.size(), true);
    return new LoadedData(name, train, test, 255, classes, dir.toString());
  }

  /** The IDX file {@code <stem>-<kind>-ubyte}, gzipped or not, or MNIST's {@code <stem>.<kind>}. */
  private static Path find(String name, Path dir, String stem, String kind) {
    for (String candidate : new String[] {stem + "-" + kind + "-ubyte.gz",
        stem + "-" + kind + "-ubyte", stem + "." + kind + "-ubyte.gz",
        stem + "." + kind + "-ubyte"}) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw missing(name, dir, "has no " + stem + "-" + kind + "-ubyte[.gz]");
  }

  private static CliException missing(String name, Path dir, String what) {
    String hint = name.equals("fashion-mnist")
        ? "install it with `sudo apt-get install dataset-fashion-mnist` or pass --data DIR"
        : "pass --data DIR with the four IDX files";
    return new CliException(CliException.USAGE, name + ": " + dir + " " + what + "; " + hint);
  }

  private static LoadedData csv(DataOptions options) throws IOException {
    if (options.data == null) {
      throw new CliException(CliException.USAGE, "csv: say which file with --data FILE");
    }
    if (!(options.scale > 0) || Float.isInfinite(options.scale)) {
      throw new CliException(CliException.USAGE, "--scale must be a positive number, got "
          + options.scale);
    }
    CsvReader reader = CsvReader.labelColumn(options.labelColumn).header(options.header);
    Dataset train = readCsv(reader, options.data, options);
    Dataset test;
    if (options.testData != null) {
      test = readCsv(reader.numClasses(train.numClasses()), options.testData, options);
    } else {
      Dataset.Split split = train.split(0.8, DIGITS_SPLIT_SEED);
      train = split.first();
      test = split.second();
    }
    int classes = Math.max(train.numClasses(), test.numClasses());
    return new LoadedData("csv", train, test, options.scale, numbers(classes),
        options.data.toString());
  }

  private static Dataset readCsv(CsvReader reader, Path file, DataOptions options)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CliException(CliException.USAGE, file + ": no such file");
    }
    Dataset d = reader.read(file);
    if (options.scale != 1) {
      d = Normalization.divideBy(options.scale).apply(d);
    }
    if (options.imageShape != null) {
      int[] dims = imageShape(options.imageShape);
      if (Shape.of(dims).size() != d.sampleShape().size()) {
        throw new CliException(CliException.USAGE, "--image-shape " + options.imageShape
            + " has " + Shape.of(dims).size() + " values but the rows of " + file + " have "
            + d.sampleShape().size() + " features");
      }
      d = d.reshapeSamples(dims);
    }
    return d;
  }

  /** "1x28x28" → {1, 28, 28}. */
  static int[] imageShape(String text) {
    String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
    if (parts.length != 3) {
      throw new CliException(CliException.USAGE, "--image-shape must be CxHxW, like 1x28x28;"
          + " got '" + text + "'");
    }
    int[] dims = new int[3];
    for (int i = 0; i < 3; i++) {
      try {
        dims[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        dims[i] = -1;
      }
      if (dims[i] < 1) {
        throw new CliException(CliException.USAGE, "--image-shape must be CxHxW with positive"
            + " sizes, like 1x28x28; got '" + text + "'");
      }
    }
    return dims;
  }

  static List<String> numbers(int classes) {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add(String.valueOf(c));
    }
    return names;
  }

  /**
   * The data with samples of the model's input shape: as they are, or reshaped when the sizes
   * agree (images (1, 28, 28) read as 28 rows of 28 by an RNN).
   */
  static Dataset fit(Dataset data, Shape modelInput, String what) {
    Shape sample = data.sampleShape();
    if (sample.equals(modelInput)) {
      return data;
    }
    if (sample.size() != modelInput.size()) {
      throw new CliException(CliException.FAILURE, "the model takes samples of shape "
          + modelInput + " but " + what + " has " + sample);
    }
    return data.reshapeSamples(modelInput.dims());
  }
}
