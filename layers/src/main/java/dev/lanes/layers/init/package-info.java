/**
 * Parameter initializers with PyTorch's formulas: {@link dev.lanes.layers.init.GlorotUniform},
 * {@link dev.lanes.layers.init.GlorotNormal}, {@link dev.lanes.layers.init.HeUniform}, {@link
 * dev.lanes.layers.init.HeNormal}, {@link dev.lanes.layers.init.PyTorchDefault} (what
 * {@code nn.Linear} and {@code nn.Conv2d} use) and {@link dev.lanes.layers.init.Constant}
 * (zeros, ones), all drawing from a {@code java.util.random.RandomGenerator} the caller seeds,
 * so a seeded run repeats. Each is an immutable record, so a layer's configuration can name it
 * and write it to JSON.
 */
package dev.lanes.layers.init;
