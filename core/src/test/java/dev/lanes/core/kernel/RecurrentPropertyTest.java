package dev.lanes.core.kernel;

import static dev.lanes.core.kernel.KernelPair.EPS;
import static dev.lanes.core.kernel.KernelPair.LANES;
import static dev.lanes.core.kernel.KernelPair.SCALAR;
import static dev.lanes.core.kernel.KernelPair.SIMD;

import dev.lanes.core.prop.Case;
import dev.lanes.core.prop.FloatAsserts;
import dev.lanes.core.prop.Property;
import dev.lanes.core.prop.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every SIMD recurrent-cell kernel against its scalar reference, with H (the hidden size, the
 * length of the vector loop) around the lane count, 0 to 4 samples, a random offset per array,
 * random values around each run, and preactivations that sometimes hold NaN, ±Inf or ±100. Every
 * array is checked: outputs against the reference, inputs and everything outside a run
 * untouched (a stray masked store shows).
 *
 * <p>Tolerances, {@code |simd − scalar| ≤ abs + rel·|scalar|}, with the value ranges below
 * (preactivations in [−6, 6], states in [−3, 3], gates in their ranges, gradients in [−2, 2]):
 * <ul>
 *   <li>forward, abs 3e-6 + rel 4 ulp: σ via the vector EXP is within about 6 ulp (rel 3.6e-7,
 *       as in {@link ActivationPropertyTest}); tanh as 2σ(2x) − 1 within 1.8e-7 absolute
 *       (checked alone by {@code rnnForward}, abs 3e-7). The sums that feed a second
 *       nonlinearity (c, x_n + r·s, up to about 10 in size) carry 2 float roundings, 1.2e-6,
 *       which tanh passes on with a slope ≤ 1; the ulp errors of f and r are multiplied by cPrev
 *       or s (≤ 4): 1.4e-6. Together below 3e-6; the largest difference measured on 200 steps
 *       of (64, 128) was 4.8e-7 (LSTM c). The relative part covers outputs larger than 1;
 *   <li>backward, abs 1e-6 + rel 8 ulp: pure products and sums of the stored values, where the
 *       reference rounds once from double and the SIMD code rounds after each of at most four
 *       operations (4 ulp of each product, rel 2.4e-7), plus the cancellation in one sum (dC, dh
 *       terms) whose float rounding is 2 ulp of the terms' size (≤ 4): 5e-7 absolute.
 * </ul>
 * Results below the float normal range compare within those absolute bounds: σ(−100) is a
 * subnormal in the reference and 0 in the vector code.
 */
class RecurrentPropertyTest {
  private static final double FORWARD_ABS = 3e-6;
  private static final double FORWARD_REL = 4 * EPS;
  private static final double BACKWARD_ABS = 1e-6;
  private static final double BACKWARD_REL = 8 * EPS;
  private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, 100f, -100f};

  /** How a kernel uses an array. */
  enum Role { IN, OUT, IN_OUT }

  /** Draws the values of an input run; {@code specials} allows NaN, ±Inf, ±100 where they fit. */
  interface Draw {
    float[] values(Case c, String name, boolean specials);
  }

  /** One array argument: a run of {@code length} values at a random offset. */
  record Arg(String name, Role role, int length, Draw draw) {
    Arg(String name, Role role, int length, float lo, float hi, boolean specials) {
      this(name, role, length, (c, n, sp) -> sp && specials
          ? c.floatsWith(n, length, lo, hi, SPECIALS) : c.floats(n, length, lo, hi));
    }
  }

  /** Calls one kernel with the arrays and offsets in the order of the Arg list. */
  interface Call {
    void run(RecurrentKernels k, float[][] a, int[] off, int rows, int hidden);
  }

  /** A kernel under test: its arguments for (rows, hidden) and the call. */
  record Spec(List<Arg> args, Call call) {}

  interface SpecFor {
    Spec of(int rows, int hidden);
  }

  static Stream<Arguments> kernels() {
    return Stream.of(
        kernel("lstmForward", FORWARD_ABS, FORWARD_REL, (rows, h) -> new Spec(List.of(
            out("h", rows * h), out("c", rows * h), out("tanhC", rows * h),
            new Arg("gates", Role.IN_OUT, rows * 4 * h, -6, 6, true),
            in("cPrev", rows * h, -3, 3)),
            (k, a, o, r, hd) -> k.lstmForward(a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3],
                a[4], o[4], r, hd))),
        kernel("lstmBackward", BACKWARD_ABS, BACKWARD_REL, (rows, h) -> new Spec(List.of(
            out("dGates", rows * 4 * h), new Arg("dc", Role.IN_OUT, rows * h, -2, 2, false),
            in("dh", rows * h, -2, 2), in("gates", rows * 4 * h, -1, 1),
            in("tanhC", rows * h, -1, 1), in("cPrev", rows * h, -3, 3)),
            (k, a, o, r, hd) -> k.lstmBackward(a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3],
                a[4], o[4], a[5], o[5], r, hd))),
        kernel("gruForward", FORWARD_ABS, FORWARD_REL, (rows, h) -> new Spec(List.of(
            out("h", rows * h), new Arg("gates", Role.IN_OUT, rows * 3 * h, -6, 6, true),
            new Arg("hh", Role.IN_OUT, rows * 3 * h, -3, 3, false), in("bhn", h, -1, 1),
            in("hPrev", rows * h, -1, 1)),
            (k, a, o, r, hd) -> k.gruForward(a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3],
                a[4], o[4], r, hd))),
        kernel("gruBackward", BACKWARD_ABS, BACKWARD_REL, (rows, h) -> new Spec(List.of(
            out("dGates", rows * 3 * h), out("dHh", rows * 3 * h),
            new Arg("dhPrev", Role.IN_OUT, rows * h, -2, 2, false), in("dh", rows * h, -2, 2),
            in("gates", rows * 3 * h, 0, 1), in("hh", rows * 3 * h, -3, 3),
            in("hPrev", rows * h, -1, 1)),
            (k, a, o, r, hd) -> k.gruBackward(a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3],
                a[4], o[4], a[5], o[5], a[6], o[6], r, hd))),
        kernel("gruChoReset", FORWARD_ABS, FORWARD_REL, (rows, h) -> new Spec(List.of(
            out("rh", rows * h), new Arg("gates", Role.IN_OUT, rows * 3 * h, -6, 6, true),
            in("hPrev", rows * h, -1, 1)),
            (k, a, o, r, hd) -> k.gruChoReset(a[0], o[0], a[1], o[1], a[2], o[2], r, hd))),
        kernel("gruChoOutput", FORWARD_ABS, FORWARD_REL, (rows, h) -> new Spec(List.of(
            out("h", rows * h), zGateNPreactivation(rows, h),
            in("hPrev", rows * h, -1, 1)),
            (k, a, o, r, hd) -> k.gruChoOutput(a[0], o[0], a[1], o[1], a[2], o[2], r, hd))),
        kernel("gruChoOutputBackward", BACKWARD_ABS, BACKWARD_REL, (rows, h) -> new Spec(
            List.of(new Arg("dGates", Role.IN_OUT, rows * 3 * h, -2, 2, false),
                new Arg("dhPrev", Role.IN_OUT, rows * h, -2, 2, false), in("dh", rows * h, -2, 2),
                in("gates", rows * 3 * h, 0, 1), in("hPrev", rows * h, -1, 1)),
            (k, a, o, r, hd) -> k.gruChoOutputBackward(a[0], o[0], a[1], o[1], a[2], o[2],
                a[3], o[3], a[4], o[4], r, hd))),
        kernel("gruChoResetBackward", BACKWARD_ABS, BACKWARD_REL, (rows, h) -> new Spec(
            List.of(new Arg("dGates", Role.IN_OUT, rows * 3 * h, -2, 2, false),
                new Arg("dhPrev", Role.IN_OUT, rows * h, -2, 2, false),
                in("dRh", rows * h, -2, 2), in("gates", rows * 3 * h, 0, 1),
                in("hPrev", rows * h, -1, 1)),
            (k, a, o, r, hd) -> k.gruChoResetBackward(a[0], o[0], a[1], o[1], a[2], o[2],
                a[3], o[3], a[4], o[4], r, hd))),
        // the tanh alone: 2σ(2x) − 1 against Math.tanh, absolute
        kernel("rnnForward", 3e-7, 0, (rows, h) -> new Spec(List.of(out("h", rows * h),
            new Arg("pre", Role.IN, rows * h, -8, 8, true)),
            (k, a, o, r, hd) -> k.rnnForward(a[0], o[0], a[1], o[1], r * hd))),
        kernel("rnnBackward", BACKWARD_ABS, BACKWARD_REL, (rows, h) -> new Spec(List.of(
            out("dPre", rows * h), in("dh", rows * h, -2, 2), in("h", rows * h, -1, 1)),
            (k, a, o, r, hd) -> k.rnnBackward(a[0], o[0], a[1], o[1], a[2], o[2], r * hd))));
  }

  private static Arguments kernel(String name, double abs, double rel, SpecFor spec) {
    return Arguments.of(name, abs, rel, spec);
  }

  /** GRU gates (rows, 3H) whose z block holds gate values in [0, 1], the others preactivations. */
  private static Arg zGateNPreactivation(int rows, int h) {
    return new Arg("gates", Role.IN_OUT, rows * 3 * h, (c, name, specials) -> {
      float[] v = specials ? c.floatsWith(name, rows * 3 * h, -6, 6, SPECIALS)
          : c.floats(name, rows * 3 * h, -6, 6);
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < h; j++) {
          v[r * 3 * h + h + j] = (float) c.random().nextDouble();
        }
      }
      return v;
    });
  }

  private static Arg in(String name, int length, float lo, float hi) {
    return new Arg(name, Role.IN, length, lo, hi, false);
  }

  private static Arg out(String name, int length) {
    return new Arg(name, Role.OUT, length, 0, 0, false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void simdMatchesScalar(String name, double abs, double rel, SpecFor specFor) {
    Property.named("simd " + name + " matches scalar").tries(120).check(c -> {
      int rows = c.intIn("rows", 0, 4);
      int hidden = c.size("hidden", 0, 5 * LANES, Sizes.aroundLanes(LANES));
      Spec spec = specFor.of(rows, hidden);
      List<Arg> args = spec.args();
      float[][] original = new float[args.size()][];
      int[] off = new int[args.size()];
      boolean specials = c.bool("specials");
      for (int i = 0; i < args.size(); i++) {
        original[i] = values(c, args.get(i), specials, off, i);
      }
      float[][] expected = copies(original);
      float[][] actual = copies(original);
      spec.call().run(SCALAR.recurrent(), expected, off, rows, hidden);
      spec.call().run(SIMD.recurrent(), actual, off, rows, hidden);
      for (int i = 0; i < args.size(); i++) {
        Arg arg = args.get(i);
        String what = name + " " + arg.name();
        int from = off[i];
        int to = from + arg.length();
        if (arg.role() == Role.IN) {
          FloatAsserts.assertClose(what + " (an input)", original[i], actual[i], 0, 0);
        } else {
          FloatAsserts.assertClose(what, expected[i], from, actual[i], from, arg.length(), abs,
              rel);
        }
        for (int j = 0; j < original[i].length; j++) {
          if ((j < from || j >= to)
              && Float.floatToRawIntBits(actual[i][j]) != Float.floatToRawIntBits(original[i][j])) {
            throw new AssertionError(what + " was written outside its run: index " + j
                + " of " + original[i].length + " (run [" + from + ", " + to + "))");
          }
        }
      }
    });
  }

  /** The array for one argument: canaries for an output, drawn values for an input. */
  private static float[] values(Case c, Arg arg, boolean specials, int[] off, int i) {
    off[i] = c.intIn(arg.name() + ".offset", 0, 2 * LANES + 1);
    if (arg.role() == Role.OUT) {
      return KernelPair.output(c, arg.name(), off[i], arg.length());
    }
    return KernelPair.placed(c, arg.draw().values(c, arg.name(), specials), off[i]);
  }

  private static float[][] copies(float[][] arrays) {
    List<float[]> out = new ArrayList<>();
    for (float[] a : arrays) {
      out.add(a.clone());
    }
    return out.toArray(new float[0][]);
  }
}
