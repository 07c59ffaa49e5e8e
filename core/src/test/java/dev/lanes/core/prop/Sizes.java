package dev.lanes.core.prop;

import java.util.TreeSet;

/** Size edges that SIMD loops get wrong: around one vector and around an unrolled block of four. */
public final class Sizes {
  private Sizes() {}

  /** 0, 1, L-1, L, L+1, 2L-1, 2L, 2L+1, 4L-1, 4L, 4L+1 for L lanes, without duplicates. */
  public static int[] aroundLanes(int lanes) {
    TreeSet<Integer> s = new TreeSet<>();
    int[] base = {0, 1, lanes - 1, lanes, lanes + 1, 2 * lanes - 1, 2 * lanes, 2 * lanes + 1,
        4 * lanes - 1, 4 * lanes, 4 * lanes + 1};
    for (int v : base) {
      if (v >= 0) {
        s.add(v);
      }
    }
    return s.stream().mapToInt(Integer::intValue).toArray();
  }
}
