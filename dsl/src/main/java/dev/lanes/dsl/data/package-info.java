/**
 * Data sets, mini-batches and readers.
 *
 * <ul>
 *   <li>{@link dev.lanes.dsl.data.Dataset}: features (N, ...) with class labels or targets,
 *       in memory; subsets, seeded splits.</li>
 *   <li>{@link dev.lanes.dsl.data.Normalization}: per-feature or global standardisation, or
 *       division by a constant, fitted on one set and applied to others.</li>
 *   <li>{@link dev.lanes.dsl.data.Batches}: seeded shuffled (or ordered) mini-batches that
 *       shuffle an index permutation and copy rows into reused buffers, so that iterating
 *       allocates nothing.</li>
 *   <li>{@link dev.lanes.dsl.data.IdxReader} (MNIST's IDX format) and
 *       {@link dev.lanes.dsl.data.CsvReader}, gzipped or not.</li>
 * </ul>
 *
 * <pre>{@code
 * Dataset train = IdxReader.read(Path.of("train-images-idx3-ubyte.gz"),
 *     Path.of("train-labels-idx1-ubyte.gz"), 10, true);          // (60000, 1, 28, 28), [0, 1]
 * Dataset.Split parts = train.split(0.9, 42);                       // 54000 / 6000
 * Batches batches = Batches.shuffled(parts.first(), 64, 42);
 * for (Batch b : batches.epoch(0)) { ... b.features() (64, 1, 28, 28), b.labels() (64) ... }
 * }</pre>
 *
 * <p>Errors: bad arguments and bad in-memory data (a NaN, a label out of range, lengths that
 * differ) raise {@code IllegalArgumentException}; bad files raise the checked
 * {@link dev.lanes.dsl.data.DataFormatException}, which names the file and the place (byte, or
 * line and column).
 */
package dev.lanes.dsl.data;
