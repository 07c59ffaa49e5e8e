package dev.lanes.dsl.data;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Mini-batches of a {@link Dataset}, epoch after epoch, in a seeded random order or in order:
 *
 * <pre>{@code
 * Batches batches = Batches.shuffled(train, 64, seed);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *   for (Batch b : batches.epoch(epoch)) {
 *     float loss = lossFn.forward(model.forward(b.features(), true), b.target());
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Each epoch shuffles a permutation of the sample indices, never the data itself, and each
 * batch copies its rows into buffers allocated once, here: after construction, iterating
 * allocates nothing. The order of epoch e depends only on the seed and e (not on earlier
 * epochs), so a run resumed at epoch e sees the batches it would have seen.
 *
 * <p>Every sample appears exactly once per epoch. The last batch holds the remainder
 * (N mod B samples) unless {@link #dropLast} asks to skip it. One batch object is reused (two,
 * with a smaller last one): see {@link Batch}. Not thread-safe.
 */
public final class Batches implements Iterable<Batch> {
  private final Dataset data;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final boolean dropLast;

  private final int[] order;   // (N): this epoch's sample indices
  private final Batch full;    // (B, ...)
  private final Batch partial; // (N mod B, ...), or null
  private final Cursor cursor = new Cursor();

  private Batches(Dataset data, int batchSize, boolean shuffle, long seed, boolean dropLast) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("Batches: batch size must be >= 1, got " + batchSize);
    }
    this.data = data;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
    int n = data.size();
    this.order = new int[n];
    int capacity = Math.min(batchSize, n);
    Shape sample = data.sampleShape();
    float[] features = new float[capacity * sample.size()];
    float[] labels = data.hasLabels() ? new float[capacity] : null;
    Shape targetShape = data.hasLabels() ? null : data.targetShape();
    float[] targets = data.hasLabels() ? null : new float[capacity * targetShape.size()];
    this.full = n >= batchSize
        ? new Batch(batchSize, sample, features, labels, targetShape, targets, order) : null;
    int rest = n % batchSize;
    this.partial = rest > 0 && !dropLast
        ? new Batch(rest, sample, features, labels, targetShape, targets, order) : null;
    epoch(0);
  }

  /** Batches of {@code batchSize} in an order shuffled anew for each epoch from {@code seed}. */
  public static Batches shuffled(Dataset data, int batchSize, long seed) {
    return new Batches(data, batchSize, true, seed, false);
  }

  /** Batches of {@code batchSize} in the data set's order, every epoch the same. */
  public static Batches inOrder(Dataset data, int batchSize) {
    return new Batches(data, batchSize, false, 0, false);
  }

  /** The same batches, without the last one when it would be smaller than the batch size. */
  public Batches dropLast() {
    return new Batches(data, batchSize, shuffle, seed, true);
  }

  /** The number of batches in one epoch. */
  public int batchesPerEpoch() {
    int n = data.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  public int batchSize() {
    return batchSize;
  }

  /**
   * Starts epoch {@code epoch} (from 0): draws its order and rewinds. Returns this, to iterate.
   */
  public Batches epoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("Batches: epoch must be >= 0, got " + epoch);
    }
    int n = order.length;
    if (shuffle) {
      Shuffle.permutation(order, n, Shuffle.epochSeed(seed, epoch));
    } else {
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
    }
    cursor.next = 0;
    return this;
  }

  /**
   * The batches of the current epoch, from its first. The iterator is one shared object (so
   * that iterating allocates nothing): one loop at a time.
   */
  @Override
  public Iterator<Batch> iterator() {
    cursor.next = 0;
    return cursor;
  }

  private final class Cursor implements Iterator<Batch> {
    private int next; // position in `order` of the next batch's first sample

    @Override
    public boolean hasNext() {
      int left = order.length - next;
      return dropLast ? left >= batchSize : left > 0;
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException("Batches: the epoch has no more batches");
      }
      int size = Math.min(batchSize, order.length - next);
      Batch b = size == batchSize ? full : partial;
      fill(b, next, size);
      next += size;
      return b;
    }
  }

  /** Copies the rows {@code order[start .. start + size)} into the batch's buffers. */
  private void fill(Batch b, int start, int size) {
    b.setStart(start);
    copyRows(data.features(), b.features(), start, size);
    if (data.hasLabels()) {
      int[] labels = data.labelArray();
      float[] dst = b.labels().data();
      for (int i = 0; i < size; i++) {
        dst[i] = labels[order[start + i]];
      }
    } else {
      copyRows(data.targets(), b.targets(), start, size);
    }
  }

  private void copyRows(Tensor src, Tensor dst, int start, int size) {
    int sample = src.shape().sampleSize();
    float[] s = src.data();
    float[] d = dst.data();
    int base = src.offset();
    for (int i = 0; i < size; i++) {
      System.arraycopy(s, base + order[start + i] * sample, d, i * sample, sample);
    }
  }
}
