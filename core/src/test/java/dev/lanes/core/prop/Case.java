package dev.lanes.core.prop;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One generated case of a {@link Property}: a seeded random source plus a record of every named
 * value drawn from it, which is what a failure report prints. Draw everything through the named
 * methods so that a failure can be read and replayed.
 */
public final class Case {
  /** A size drawn under a name, with its lower bound: what shrinking may reduce. */
  record SizeDraw(int value, int min) {}

  private static final float[] SPECIALS = {
      Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
      Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_NORMAL, 1e-30f, -1e30f};

  private final int tryIndex;
  private final long seed;
  private final SplittableRandom random;
  private final Map<String, Integer> overrides;
  private final Map<String, String> drawn = new LinkedHashMap<>();
  private final Map<String, SizeDraw> sizes = new LinkedHashMap<>();
  private int edgeDraws;

  Case(int tryIndex, long seed, Map<String, Integer> overrides) {
    this.tryIndex = tryIndex;
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.overrides = Map.copyOf(overrides);
  }

  /** Which try this is, from 0. */
  public int tryIndex() {
    return tryIndex;
  }

  public long seed() {
    return seed;
  }

  /** The raw source, for values that need not appear in a report (prefer the named draws). */
  public SplittableRandom random() {
    return random;
  }

  /**
   * A size in [min, max] that shrinking may reduce. The first tries go through {@code edges} in
   * order (each named size starting at a different one), so the edge values are always covered;
   * later tries take an edge a quarter of the time and a uniform value otherwise. Edges outside
   * [min, max] are skipped.
   */
  public int size(String name, int min, int max, int... edges) {
    int[] usable = Arrays.stream(edges).filter(e -> e >= min && e <= max).toArray();
    int drawnValue = random.nextInt(min, max + 1); // always drawn, so the stream stays aligned
    int pick = random.nextInt(4);
    int value;
    if (tryIndex < usable.length) {
      value = usable[(tryIndex + edgeDraws) % usable.length];
    } else if (usable.length > 0 && pick == 0) {
      value = usable[random.nextInt(usable.length)];
    } else {
      value = drawnValue;
    }
    edgeDraws++;
    Integer forced = overrides.get(name);
    if (forced != null) {
      value = forced;
    }
    sizes.put(name, new SizeDraw(value, min));
    drawn.put(name, Integer.toString(value));
    return value;
  }

  /** A uniform int in [lo, hi]. */
  public int intIn(String name, int lo, int hi) {
    int v = random.nextInt(lo, hi + 1);
    drawn.put(name, Integer.toString(v));
    return v;
  }

  /** A uniform float in [lo, hi). */
  public float floatIn(String name, float lo, float hi) {
    float v = lo + (hi - lo) * (float) random.nextDouble();
    drawn.put(name, Float.toString(v));
    return v;
  }

  public boolean bool(String name) {
    boolean v = random.nextBoolean();
    drawn.put(name, Boolean.toString(v));
    return v;
  }

  /** One of the given values, uniformly. */
  @SafeVarargs
  public final <T> T oneOf(String name, T... values) {
    T v = values[random.nextInt(values.length)];
    drawn.put(name, String.valueOf(v));
    return v;
  }

  /** n uniform floats in [lo, hi). */
  public float[] floats(String name, int n, float lo, float hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = lo + (hi - lo) * (float) random.nextDouble();
    }
    drawn.put(name, summary(a));
    return a;
  }

  /**
   * n floats in [lo, hi) of which about one in twelve is a special value: NaN, ±Inf, ±0,
   * ±MAX_VALUE, the smallest subnormal, a tiny and a huge one.
   */
  public float[] floatsWithSpecials(String name, int n, float lo, float hi) {
    return floatsWith(name, n, lo, hi, SPECIALS);
  }

  /** n floats in [lo, hi) of which about one in twelve is one of the given special values. */
  public float[] floatsWith(String name, int n, float lo, float hi, float... specials) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = random.nextInt(12) == 0
          ? specials[random.nextInt(specials.length)]
          : lo + (hi - lo) * (float) random.nextDouble();
    }
    drawn.put(name, summary(a));
    return a;
  }

  /** A shape of the given rank with each dimension in [1, maxDim]. */
  public int[] shape(String name, int rank, int maxDim) {
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = random.nextInt(1, maxDim + 1);
    }
    drawn.put(name, Arrays.toString(dims));
    return dims;
  }

  /** Records a derived value (an expected result, a tolerance) so a failure report shows it. */
  public void note(String name, Object value) {
    drawn.put(name, String.valueOf(value));
  }

  Map<String, SizeDraw> sizeDraws() {
    return sizes;
  }

  Map<String, Integer> overrides() {
    return overrides;
  }

  void describeTo(StringBuilder sb) {
    drawn.forEach((k, v) -> sb.append("  ").append(k).append(" = ").append(v).append('\n'));
  }

  private static String summary(float[] a) {
    int shown = Math.min(a.length, 8);
    StringBuilder sb = new StringBuilder("float[").append(a.length).append("] {");
    for (int i = 0; i < shown; i++) {
      sb.append(i > 0 ? ", " : "").append(a[i]);
    }
    return sb.append(a.length > shown ? ", ...}" : "}").toString();
  }
}
