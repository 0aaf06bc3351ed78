package org.albertspark.model.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp and tanh on float vectors built only from correctly rounded operations (add, mul, fma, bit
 * shifts). The Vector API's own EXP/TANH give different bits in interpreted and JIT-compiled code
 * (Math.exp vs SVML), so a model's output would drift by ulps as the JIT warms up; these give the
 * same bits everywhere, need no SVML, and allocate nothing once compiled.
 */
public final class VecMath {

  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f; // Cody-Waite split of ln 2
  private static final float LN2_LO = -2.12194440e-4f;
  private static final float ROUND =
      12582912f; // 1.5 · 2^23: adding and subtracting rounds to an integer
  private static final float MAX_ARG = 88.37626f; // exp overflows float above this
  private static final float MIN_ARG =
      -86.6f; // below this (e^x < 2.5e-38) the result is flushed to 0

  private VecMath() {}

  /** e^x per lane, relative error below 2e-7 (Taylor to degree 7 on |r| ≤ ln2/2). */
  public static FloatVector exp(FloatVector x) {
    VectorMask<Float> underflow = x.lt(MIN_ARG);
    FloatVector xc = x.max(MIN_ARG).min(MAX_ARG);
    FloatVector n = xc.mul(LOG2E).add(ROUND).sub(ROUND);
    FloatVector r = n.neg().fma(FloatVector.broadcast(x.species(), LN2_HI), xc);
    r = n.neg().fma(FloatVector.broadcast(x.species(), LN2_LO), r);
    FloatVector p = FloatVector.broadcast(x.species(), 1f / 5040);
    p = p.fma(r, FloatVector.broadcast(x.species(), 1f / 720));
    p = p.fma(r, FloatVector.broadcast(x.species(), 1f / 120));
    p = p.fma(r, FloatVector.broadcast(x.species(), 1f / 24));
    p = p.fma(r, FloatVector.broadcast(x.species(), 1f / 6));
    p = p.fma(r, FloatVector.broadcast(x.species(), 0.5f));
    p = p.fma(r, FloatVector.broadcast(x.species(), 1f));
    p = p.fma(r, FloatVector.broadcast(x.species(), 1f));
    // n + ROUND holds the integer n in its low mantissa bits: read it without a float→int
    // conversion
    IntVector k = xc.mul(LOG2E).add(ROUND).reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND));
    IntVector bits = k.add(127).lanewise(VectorOperators.LSHL, 23);
    // n reaches 128 only for x near MAX_ARG: split 2^n as 2^(n-1)·2 to stay a finite float
    FloatVector scale = bits.sub(1 << 23).reinterpretAsFloats();
    return p.mul(scale).mul(2f).blend(0f, underflow);
  }

  /** tanh(x) = 1 − 2/(e^{2x} + 1) per lane; absolute error below 3e-7; ±1 for |x| ≥ 10. */
  public static FloatVector tanh(FloatVector x) {
    FloatVector e = exp(x.max(-10f).min(10f).mul(2f));
    return FloatVector.broadcast(x.species(), 2f).div(e.add(1f)).neg().add(1f);
  }

  /**
   * Lane sum. On JDK 17 the compiled ADD reduction of floating-point lanes is strictly ordered,
   * like the interpreted one, so the bits do not depend on the JIT (SharedModelTest checks it).
   */
  public static double sum(DoubleVector v) {
    return v.reduceLanes(VectorOperators.ADD);
  }

  /** Lane sum; see {@link #sum(DoubleVector)}. */
  public static float sum(FloatVector v) {
    return v.reduceLanes(VectorOperators.ADD);
  }
}
