package dev.lanes.dsl.data;

/**
 * Seeded Fisher-Yates shuffles that allocate nothing (a SplitMix64 stream held in a local
 * long), so that reshuffling every epoch costs no garbage, and the same seed gives the same
 * order on every JDK: the whole algorithm is here, not in a library class that may change.
 */
final class Shuffle {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Shuffle() {}

  /** Puts 0, 1, ..., n - 1 into {@code order[0 .. n)} and shuffles it with {@code seed}. */
  static void permutation(int[] order, int n, long seed) {
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    long state = seed;
    for (int i = n - 1; i > 0; i--) {
      state += GOLDEN;
      // multiply-shift maps 32 random bits to [0, i]; the bias, i / 2^32, is far below
      // anything a training run could notice
      int j = (int) (((mix(state) >>> 32) * (i + 1)) >>> 32);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /** A seed for epoch {@code epoch} of a run seeded with {@code seed}: independent streams. */
  static long epochSeed(long seed, int epoch) {
    return mix(seed ^ mix(GOLDEN * (epoch + 1L)));
  }

  /** SplitMix64's finalizer (Steele, Lea, Flood 2014): a bijection that mixes all 64 bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
