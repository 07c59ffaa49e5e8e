package dev.lanes.core.prop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The harness itself: failures are reported with seed and values, shrunk, and replayable. */
class PropertyTest {
  @AfterEach
  void clearReplayFlags() {
    System.clearProperty("lanes.prop.seed");
    System.clearProperty("lanes.prop.sizes");
  }

  @Test
  void aPassingPropertyRunsEveryTry() {
    List<Integer> seen = new ArrayList<>();
    Property.named("counts tries").tries(37).check(c -> seen.add(c.tryIndex()));
    assertEquals(37, seen.size());
    assertEquals(36, seen.get(36));
  }

  @Test
  void theFirstTriesCoverEveryEdgeOfEveryNamedSize() {
    List<int[]> drawn = new ArrayList<>();
    int[] edges = {0, 1, 7, 8, 9};
    Property.named("edges").tries(5).check(c ->
        drawn.add(new int[] {c.size("m", 0, 100, edges), c.size("n", 0, 100, edges)}));
    for (int e : edges) {
      assertTrue(drawn.stream().anyMatch(d -> d[0] == e), "m covers " + e);
      assertTrue(drawn.stream().anyMatch(d -> d[1] == e), "n covers " + e);
    }
  }

  @Test
  void sameSeedSameCases() {
    List<Float> first = new ArrayList<>();
    List<Float> second = new ArrayList<>();
    Property.named("repeatable").tries(20).check(c -> first.add(c.floatIn("x", 0, 1)));
    Property.named("repeatable").tries(20).check(c -> second.add(c.floatIn("x", 0, 1)));
    assertEquals(first, second);
  }

  @Test
  void aFailureNamesTheSeedTheValuesAndTheCause() {
    AssertionError e = assertThrows(AssertionError.class, () ->
        Property.named("x is small").tries(200).check(c -> {
          float x = c.floatIn("x", 0, 1);
          if (x > 0.9f) {
            throw new AssertionError("too big: " + x);
          }
        }));
    String msg = e.getMessage();
    assertTrue(msg.startsWith("Property 'x is small' failed on try "), msg);
    assertTrue(msg.contains("  x = 0.9"), msg);
    assertTrue(msg.contains("Cause: java.lang.AssertionError: too big"), msg);
    assertTrue(msg.contains("Re-run this case alone: -Dlanes.prop.seed=0x"), msg);
    assertTrue(e.getCause().getMessage().startsWith("too big"));
  }

  @Test
  void sizesAreShrunkAndTheShrunkCaseReplays() {
    // fails whenever n >= 5: the smallest failing case is n = 5
    AssertionError e = assertThrows(AssertionError.class, () ->
        Property.named("n below five").tries(100).check(c -> {
          int n = c.size("n", 0, 1000);
          if (n >= 5) {
            throw new AssertionError("n = " + n);
          }
        }));
    String msg = e.getMessage();
    assertTrue(msg.contains("Shrunk (same seed, smaller sizes)"), msg);
    Matcher replay = Pattern.compile("-Dlanes.prop.seed=(0x[0-9a-f]+) -Dlanes.prop.sizes=(n=5)")
        .matcher(msg);
    assertTrue(replay.find(), msg);

    System.setProperty("lanes.prop.seed", replay.group(1));
    System.setProperty("lanes.prop.sizes", replay.group(2));
    List<Integer> replayed = new ArrayList<>();
    assertThrows(AssertionError.class, () -> Property.named("n below five").check(c -> {
      replayed.add(c.size("n", 0, 1000));
      throw new AssertionError("replayed");
    }));
    assertEquals(5, replayed.get(0), "the replay runs the shrunk case first");
  }

  @Test
  void replayBySeedReproducesTheFailingValues() {
    AssertionError e = assertThrows(AssertionError.class, () ->
        Property.named("replay").tries(500).check(c -> {
          int v = c.intIn("v", 0, 1_000_000);
          if (v % 97 == 3) {
            throw new AssertionError("v = " + v);
          }
        }));
    Matcher failing = Pattern.compile("  v = (\\d+)").matcher(e.getMessage());
    assertTrue(failing.find());
    Matcher seed = Pattern.compile("-Dlanes.prop.seed=(0x[0-9a-f]+)").matcher(e.getMessage());
    assertTrue(seed.find());

    System.setProperty("lanes.prop.seed", seed.group(1));
    int[] replayed = new int[1];
    assertThrows(AssertionError.class, () -> Property.named("replay").check(c -> {
      replayed[0] = c.intIn("v", 0, 1_000_000);
      throw new AssertionError("stop");
    }));
    assertEquals(Integer.parseInt(failing.group(1)), replayed[0]);
  }

  @Test
  void floatAssertsTreatSpecialValuesExactly() {
    assertTrue(FloatAsserts.close(Float.NaN, Float.NaN, 0, 0));
    assertTrue(!FloatAsserts.close(Float.NaN, 1f, 1, 1));
    assertTrue(!FloatAsserts.close(Float.POSITIVE_INFINITY, Float.MAX_VALUE, 1e38, 1));
    assertTrue(FloatAsserts.close(1f, 1.0001f, 0, 1e-3));
    assertTrue(!FloatAsserts.close(1f, 1.01f, 0, 1e-3));
  }
}
