package dev.lanes.core.prop;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A property: a test body run on many generated cases, each from its own seed. The project's own
 * small replacement for a property-testing library, on plain JUnit 5.
 *
 * <pre>{@code
 * Property.named("simd exp matches scalar").tries(300).check(c -> {
 *   int n = c.size("n", 0, 200, Sizes.aroundLanes(lanes));
 *   float[] x = c.floats("x", n, -90, 90);
 *   ...assertions...
 * });
 * }</pre>
 *
 * <p>A failing case is shrunk where cheap (each named size is tried smaller while the failure
 * persists), then reported with its try, seed, drawn values and the flags that replay it alone.
 *
 * <p>System properties: {@code lanes.prop.seed} replays one case (with {@code lanes.prop.sizes}
 * such as {@code n=3,m=1} for a shrunk one); {@code lanes.prop.baseSeed} draws a different
 * family of cases (default fixed, so CI is repeatable); {@code lanes.prop.tries} overrides every
 * property's number of tries.
 */
public final class Property {
  /** The fixed default base seed: every run of the suite sees the same cases. */
  public static final long DEFAULT_BASE_SEED = 0x1A4E5_5EEDL;
  private static final int MAX_SHRINK_RUNS = 200;

  private final String name;
  private int tries = 100;

  private Property(String name) {
    this.name = name;
  }

  /** A property with a name that says what holds, such as "simd sum matches scalar". */
  public static Property named(String name) {
    return new Property(name);
  }

  /** How many cases to try (default 100; {@code -Dlanes.prop.tries} overrides it). */
  public Property tries(int tries) {
    if (tries < 1) {
      throw new IllegalArgumentException("tries must be >= 1, got " + tries);
    }
    this.tries = tries;
    return this;
  }

  /** Runs the body on every case; throws an {@link AssertionError} describing the first failure. */
  public void check(Consumer<Case> body) {
    String replay = System.getProperty("lanes.prop.seed", "").trim();
    if (!replay.isEmpty()) {
      long seed = parseSeed(replay);
      Map<String, Integer> sizes = parseSizes(System.getProperty("lanes.prop.sizes", ""));
      runOrReport(body, 0, 1, seed, sizes);
      System.out.printf(Locale.ROOT, "[property] %s: replayed seed %s%n", name, hex(seed));
      return;
    }
    int n = Integer.getInteger("lanes.prop.tries", tries);
    long base = baseSeed();
    for (int i = 0; i < n; i++) {
      runOrReport(body, i, n, seedOf(base, name, i), Map.of());
    }
    System.out.printf(Locale.ROOT, "[property] %s: %d tries passed (base seed %s)%n",
        name, n, hex(base));
  }

  private void runOrReport(Consumer<Case> body, int tryIndex, int tryCount, long seed,
      Map<String, Integer> sizes) {
    Case c = new Case(tryIndex, seed, sizes);
    Throwable failure = run(body, c);
    if (failure == null) {
      return;
    }
    Case smallest = shrink(body, c);
    throw new AssertionError(report(c, failure, smallest, tryCount), failure);
  }

  private static Throwable run(Consumer<Case> body, Case c) {
    try {
      body.accept(c);
      return null;
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError e && !(t instanceof StackOverflowError)
          && !(t instanceof OutOfMemoryError)) {
        throw e;
      }
      return t;
    }
  }

  /**
   * Tries each named size smaller (its minimum, min + 1, half, one less) with the same seed,
   * keeping any change under which the body still fails, until none helps.
   */
  private static Case shrink(Consumer<Case> body, Case failing) {
    Case best = failing;
    int runs = 0;
    boolean progress = true;
    while (progress && runs < MAX_SHRINK_RUNS) {
      progress = false;
      for (Map.Entry<String, Case.SizeDraw> e : best.sizeDraws().entrySet()) {
        Case.SizeDraw d = e.getValue();
        for (int candidate : new int[] {d.min(), d.min() + 1, (d.min() + d.value()) / 2,
            d.value() - 1}) {
          if (candidate < d.min() || candidate >= d.value() || runs >= MAX_SHRINK_RUNS) {
            continue;
          }
          Map<String, Integer> overrides = new LinkedHashMap<>(best.overrides());
          overrides.put(e.getKey(), candidate);
          Case trial = new Case(failing.tryIndex(), failing.seed(), overrides);
          runs++;
          if (run(body, trial) != null) {
            best = trial;
            progress = true;
            break;
          }
        }
        if (progress) {
          break;
        }
      }
    }
    return best == failing ? null : best;
  }

  private String report(Case c, Throwable failure, Case smallest, int tryCount) {
    StringBuilder sb = new StringBuilder();
    sb.append("Property '").append(name).append("' failed on try ").append(c.tryIndex() + 1)
        .append(" of ").append(tryCount).append(" (seed ").append(hex(c.seed())).append("):\n");
    c.describeTo(sb);
    sb.append("Cause: ").append(failure).append('\n');
    Case replay = c;
    if (smallest != null) {
      sb.append("Shrunk (same seed, smaller sizes) to a case that also fails:\n");
      smallest.describeTo(sb);
      replay = smallest;
    }
    sb.append("Re-run this case alone: -Dlanes.prop.seed=").append(hex(replay.seed()));
    if (!replay.overrides().isEmpty()) {
      sb.append(" -Dlanes.prop.sizes=");
      StringBuilder sizes = new StringBuilder();
      replay.overrides().forEach((k, v) -> sizes.append(sizes.isEmpty() ? "" : ",")
          .append(k).append('=').append(v));
      sb.append(sizes);
    }
    return sb.toString();
  }

  /** Each try's seed mixes the base seed, the property's name and the try index. */
  static long seedOf(long base, String propertyName, int tryIndex) {
    return mix(base ^ mix(propertyName.hashCode() * 0x9E3779B97F4A7C15L + tryIndex));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private static long baseSeed() {
    String s = System.getProperty("lanes.prop.baseSeed", "").trim();
    return s.isEmpty() ? DEFAULT_BASE_SEED : parseSeed(s);
  }

  static long parseSeed(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
  }

  static Map<String, Integer> parseSizes(String s) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (String part : s.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("-Dlanes.prop.sizes: expected name=value, got " + part);
      }
      sizes.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
    }
    return sizes;
  }

  static String hex(long seed) {
    return "0x" + Long.toHexString(seed);
  }
}
