package dev.lanes.core.kernel.simd;

import static dev.lanes.core.kernel.simd.FloatSpecies.F;
import static dev.lanes.core.kernel.simd.FloatSpecies.I;
import static dev.lanes.core.kernel.simd.FloatSpecies.L;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * exp, tanh, log1p and the sum of a vector's lanes, built from additions, multiplications, fused
 * multiply-adds and bit operations only.
 *
 * <p>Why not the Vector API's own {@code EXP}, {@code TANH}, {@code LOG1P} and
 * {@code reduceLanes(ADD)}: their results differ, in the last bits, between the Java code that
 * runs before C2 compiles a kernel and the compiled intrinsic (measured on JDK 25: the same
 * call gives other bits after warm-up). A training run would then depend on when the JIT kicked
 * in, and two runs with the same seed would not give the same weights. The operations used here
 * are correctly rounded IEEE operations in both modes, so every result is the same bits at every
 * moment. They are also as fast as the intrinsics on AVX2 (see ElementwiseBench).
 *
 * <p>The polynomials are Cephes' single-precision ones (S. L. Moshier, netlib.org/cephes): exp
 * and log to about 1 ulp, tanh to about 2 ulp.
 */
final class VectorMath {
  private VectorMath() {}

  private static final float LOG2E = 1.44269504088896341f;
  /** ln 2 split in two, so n·LN2_HI is exact for the n that occur (Cody and Waite). */
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  /** Above this exp overflows to +Inf; below EXP_MIN its result is under the normal range. */
  private static final float EXP_MAX = 88.72283935546875f;
  private static final float EXP_MIN = -87.33654022216797f;
  /** Adding then subtracting 1.5·2²³ rounds a float of magnitude below 2²² to an integer. */
  private static final float ROUNDER = 12582912f;

  /** A per-thread array of one vector's lanes, for {@link #sumLanes(float[])}. */
  private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

  /**
   * An array to store a vector's lanes into before {@link #sumLanes(float[])}. The vector is
   * stored at the call site rather than passed to a helper: a vector argument of a method that
   * C2 does not inline is boxed, an allocation on every call.
   */
  static float[] lanes() {
    return LANES.get();
  }

  /** Lane i takes lane (i + n) mod L: the levels of {@link #sumLanes(FloatVector)}' tree. */
  private static final VectorShuffle<Float> ROTATE_8 = rotation(8);
  private static final VectorShuffle<Float> ROTATE_4 = rotation(4);
  private static final VectorShuffle<Float> ROTATE_2 = rotation(2);
  private static final VectorShuffle<Float> ROTATE_1 = rotation(1);

  private static VectorShuffle<Float> rotation(int n) {
    return VectorShuffle.fromOp(F, i -> (i + n) % L);
  }

  /**
   * The sum of v's lanes in {@link #sumLanes(float[])}' order, in registers: lane i of {@code v
   * + v.rearrange(ROTATE_n)} is v[i] + v[i + n] for i < n, that level's sum, so rotating by 8
   * (where L ≥ 16), 4 (L ≥ 8), 2 and 1 leaves in lane 0 the bits sumLanes gives, without the
   * trip through memory (15% of a JFR profile of DirectConv's weight gradient). Small enough to
   * be inlined into the loops that call it, as exp below is.
   */
  static float sumLanes(FloatVector v) {
    if (L >= 16) {
      v = v.add(v.rearrange(ROTATE_8));
    }
    if (L >= 8) {
      v = v.add(v.rearrange(ROTATE_4));
    }
    v = v.add(v.rearrange(ROTATE_2));
    return v.add(v.rearrange(ROTATE_1)).lane(0);
  }

  /**
   * The sum of L lanes in a fixed order (a tree: lanes 8 apart, then 4, 2, 1), the same bits
   * in interpreted and compiled code, unlike {@code reduceLanes(ADD)}.
   */
  static float sumLanes(float[] lanes) {
    int n = L;
    while (n > 1) {
      n >>= 1;
      for (int i = 0; i < n; i++) {
        lanes[i] += lanes[i + n];
      }
    }
    return lanes[0];
  }

  /**
   * e^x: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by a degree-6 polynomial, times 2^n built in
   * the exponent bits. +Inf above 88.72, 0 below -87.34 (where the exact result is a subnormal
   * smaller than 1.2e-38), NaN for NaN.
   */
  static FloatVector exp(FloatVector x) {
    FloatVector c = x.min(EXP_MAX).max(EXP_MIN); // NaN stays NaN through min and max
    FloatVector n = c.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
    FloatVector r = n.mul(-LN2_HI).add(c);
    r = n.mul(-LN2_LO).add(r);
    FloatVector r2 = r.mul(r);
    FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
    p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
    p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
    p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
    p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
    p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
    FloatVector e = p.fma(r2, r).add(1f);
    // 2^n as two factors 2^(n/2)·2^(n - n/2): n reaches 128, past the largest float exponent
    IntVector ni = (IntVector) n.convert(jdk.incubator.vector.VectorOperators.F2I, 0);
    IntVector half = ni.lanewise(jdk.incubator.vector.VectorOperators.ASHR, 1);
    FloatVector s1 = half.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
    FloatVector s2 = ni.sub(half).add(127).lanewise(LSHL, 23).reinterpretAsFloats();
    FloatVector result = e.mul(s1).mul(s2);
    VectorMask<Float> over = x.compare(GT, EXP_MAX);
    VectorMask<Float> under = x.compare(LT, EXP_MIN);
    return result.blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
  }

  /**
   * tanh(x): an odd polynomial for |x| < 0.625, where 1 - 2/(e^{2|x|} + 1) would cancel, and that
   * formula with the sign put back elsewhere. ±1 beyond |x| ≈ 9 (e^{2|x|} is then +Inf or the
   * fraction rounds away).
   */
  static FloatVector tanh(FloatVector x) {
    FloatVector a = x.abs();
    FloatVector z = x.mul(x);
    FloatVector p = FloatVector.broadcast(F, -5.70498872745e-3f);
    p = p.fma(z, FloatVector.broadcast(F, 2.06390887954e-2f));
    p = p.fma(z, FloatVector.broadcast(F, -5.37397155531e-2f));
    p = p.fma(z, FloatVector.broadcast(F, 1.33314422036e-1f));
    p = p.fma(z, FloatVector.broadcast(F, -3.33332819422e-1f));
    FloatVector small = p.mul(z).fma(x, x);
    FloatVector big = FloatVector.broadcast(F, 1f)
        .sub(FloatVector.broadcast(F, 2f).div(exp(a.mul(2f)).add(1f)));
    big = big.blend(big.neg(), x.compare(LT, 0f));
    return big.blend(small, a.compare(LT, 0.625f));
  }

  /**
   * log(1 + y) for y ≥ 0 (softplus needs y = e^{-|x|} in (0, 1]): u = 1 + y is rounded, and the
   * rounding error (y - (u - 1)) / u is added back, so small y keep their digits. log u for u in
   * [1, 2] splits off a factor 2 above √2 and uses Cephes' logf polynomial around 1.
   */
  static FloatVector log1p(FloatVector y) {
    FloatVector u = y.add(1f);
    FloatVector correction = y.sub(u.sub(1f)).div(u);
    VectorMask<Float> upper = u.compare(GT, 1.41421356237f);
    FloatVector m = u.blend(u.mul(0.5f), upper);
    FloatVector e = FloatVector.zero(F).blend(1f, upper);
    FloatVector f = m.sub(1f);
    FloatVector z = f.mul(f);
    FloatVector p = FloatVector.broadcast(F, 7.0376836292e-2f);
    p = p.fma(f, FloatVector.broadcast(F, -1.1514610310e-1f));
    p = p.fma(f, FloatVector.broadcast(F, 1.1676998740e-1f));
    p = p.fma(f, FloatVector.broadcast(F, -1.2420140846e-1f));
    p = p.fma(f, FloatVector.broadcast(F, 1.4249322787e-1f));
    p = p.fma(f, FloatVector.broadcast(F, -1.6668057665e-1f));
    p = p.fma(f, FloatVector.broadcast(F, 2.0000714765e-1f));
    p = p.fma(f, FloatVector.broadcast(F, -2.4999993993e-1f));
    p = p.fma(f, FloatVector.broadcast(F, 3.3333331174e-1f));
    FloatVector t = p.mul(f).mul(z);
    t = t.add(e.mul(LN2_LO));
    t = t.add(z.mul(-0.5f));
    FloatVector log = f.add(t);
    log = log.add(e.mul(LN2_HI));
    return log.add(correction);
  }
}
