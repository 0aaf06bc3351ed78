package org.albertspark.model.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.albertspark.model.kernels.VecMath;

/**
 * The element loops of the optimizers and of clipping, over byte ranges [from, to) of little-endian
 * float buffers. Vectorized with jdk.incubator.vector (measured several times faster than the
 * scalar loop at ALBERT-base size on this machine); the vector body uses only correctly rounded
 * lanewise ops (no FMA) in the same order as the scalar tail, so every element gets the same float
 * result whichever path computes it.
 */
final class OptimKernels {

  private OptimKernels() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VBYTES = S.vectorByteSize();
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  /** Float vector S widens to this many double vectors. */
  private static final int PARTS = S.length() / D.length();

  /** acc + x² lane-wise in double (exact squares of the floats), over every part of x. */
  private static DoubleVector addSquares(DoubleVector acc, FloatVector x) {
    for (int part = 0; part < PARTS; part++) {
      DoubleVector d = (DoubleVector) x.convertShape(VectorOperators.F2D, D, part);
      acc = acc.add(d.mul(d));
    }
    return acc;
  }

  private static FloatVector load(ByteBuffer b, int at) {
    return FloatVector.fromByteBuffer(S, b, at, LE);
  }

  /**
   * ALBERT's Adam step without trust ratio: m, v updated; u = m / (sqrt(v) + eps) + wd·p; p -= s·u.
   */
  static void albertAdam(
      ByteBuffer p,
      ByteBuffer g,
      ByteBuffer m,
      ByteBuffer v,
      int from,
      int to,
      float b1,
      float c1,
      float b2,
      float c2,
      float eps,
      float wd,
      float s) {
    int b = from;
    for (int end = to - VBYTES; b <= end; b += VBYTES) {
      FloatVector gi = load(g, b);
      FloatVector mi = load(m, b).mul(b1).add(gi.mul(c1));
      FloatVector vi = load(v, b).mul(b2).add(gi.mul(gi).mul(c2));
      mi.intoByteBuffer(m, b, LE);
      vi.intoByteBuffer(v, b, LE);
      FloatVector pi = load(p, b);
      FloatVector u = mi.div(vi.sqrt().add(eps)).add(pi.mul(wd));
      pi.sub(u.mul(s)).intoByteBuffer(p, b, LE);
    }
    for (; b < to; b += 4) {
      float gi = g.getFloat(b);
      float mi = b1 * m.getFloat(b) + c1 * gi;
      float vi = b2 * v.getFloat(b) + c2 * (gi * gi);
      m.putFloat(b, mi);
      v.putFloat(b, vi);
      float pi = p.getFloat(b);
      float u = mi / ((float) Math.sqrt(vi) + eps) + wd * pi;
      p.putFloat(b, pi - s * u);
    }
  }

  /**
   * LAMB's first pass: m, v updated, p untouched; {@code norms2[0]} = sum of p², {@code norms2[1]}
   * = sum of u² with u = m / (sqrt(v) + eps) + wd·p, both in double.
   */
  static void lambMomentsAndNorms(
      ByteBuffer p,
      ByteBuffer g,
      ByteBuffer m,
      ByteBuffer v,
      int from,
      int to,
      float b1,
      float c1,
      float b2,
      float c2,
      float eps,
      float wd,
      double[] norms2) {
    DoubleVector pAcc = DoubleVector.zero(D), uAcc = DoubleVector.zero(D);
    int b = from;
    for (int end = to - VBYTES; b <= end; b += VBYTES) {
      FloatVector gi = load(g, b);
      FloatVector mi = load(m, b).mul(b1).add(gi.mul(c1));
      FloatVector vi = load(v, b).mul(b2).add(gi.mul(gi).mul(c2));
      mi.intoByteBuffer(m, b, LE);
      vi.intoByteBuffer(v, b, LE);
      FloatVector pi = load(p, b);
      FloatVector u = mi.div(vi.sqrt().add(eps)).add(pi.mul(wd));
      pAcc = addSquares(pAcc, pi);
      uAcc = addSquares(uAcc, u);
    }
    double pn = VecMath.sum(pAcc), un = VecMath.sum(uAcc);
    for (; b < to; b += 4) {
      float gi = g.getFloat(b);
      float mi = b1 * m.getFloat(b) + c1 * gi;
      float vi = b2 * v.getFloat(b) + c2 * (gi * gi);
      m.putFloat(b, mi);
      v.putFloat(b, vi);
      float pi = p.getFloat(b);
      float u = mi / ((float) Math.sqrt(vi) + eps) + wd * pi;
      pn += (double) pi * pi;
      un += (double) u * u;
    }
    norms2[0] = pn;
    norms2[1] = un;
  }

  /** LAMB's second pass: u recomputed from the updated m, v and the old p; p -= s·u. */
  static void lambApply(
      ByteBuffer p, ByteBuffer m, ByteBuffer v, int from, int to, float eps, float wd, float s) {
    int b = from;
    for (int end = to - VBYTES; b <= end; b += VBYTES) {
      FloatVector pi = load(p, b);
      FloatVector u = load(m, b).div(load(v, b).sqrt().add(eps)).add(pi.mul(wd));
      pi.sub(u.mul(s)).intoByteBuffer(p, b, LE);
    }
    for (; b < to; b += 4) {
      float pi = p.getFloat(b);
      float u = m.getFloat(b) / ((float) Math.sqrt(v.getFloat(b)) + eps) + wd * pi;
      p.putFloat(b, pi - s * u);
    }
  }

  /**
   * torch AdamW: p *= decay; m = lerp(m, g, w1) (torch's two-sided form); v = b2 v + c2 g²; p +=
   * negStep · m / (sqrt(v) / bc2Sqrt + eps).
   */
  static void torchAdamW(
      ByteBuffer p,
      ByteBuffer g,
      ByteBuffer m,
      ByteBuffer v,
      int from,
      int to,
      float decay,
      float w1,
      float b2,
      float c2,
      float bc2Sqrt,
      float eps,
      float negStep) {
    final boolean lerpLow = w1 < 0.5f;
    final float w1c = 1 - w1;
    int b = from;
    for (int end = to - VBYTES; b <= end; b += VBYTES) {
      FloatVector gi = load(g, b);
      FloatVector pi = load(p, b).mul(decay);
      FloatVector m0 = load(m, b);
      FloatVector mi = lerpLow ? m0.add(gi.sub(m0).mul(w1)) : gi.sub(gi.sub(m0).mul(w1c));
      FloatVector vi = load(v, b).mul(b2).add(gi.mul(gi).mul(c2));
      mi.intoByteBuffer(m, b, LE);
      vi.intoByteBuffer(v, b, LE);
      FloatVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
      pi.add(mi.div(denom).mul(negStep)).intoByteBuffer(p, b, LE);
    }
    for (; b < to; b += 4) {
      float gi = g.getFloat(b);
      float pi = p.getFloat(b) * decay;
      float m0 = m.getFloat(b);
      float mi = lerpLow ? m0 + (gi - m0) * w1 : gi - (gi - m0) * w1c;
      float vi = b2 * v.getFloat(b) + c2 * (gi * gi);
      m.putFloat(b, mi);
      v.putFloat(b, vi);
      float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
      p.putFloat(b, pi + (mi / denom) * negStep);
    }
  }

  /** Sum of squares of floats [from, to), in double. */
  static double sumSquares(ByteBuffer g, int from, int to) {
    DoubleVector acc = DoubleVector.zero(D);
    int b = from;
    for (int end = to - VBYTES; b <= end; b += VBYTES) {
      acc = addSquares(acc, load(g, b));
    }
    double sum = VecMath.sum(acc);
    for (; b < to; b += 4) {
      float x = g.getFloat(b);
      sum += (double) x * x;
    }
    return sum;
  }

  /** Floats [from, to) multiplied by {@code factor}, in place. */
  static void scale(ByteBuffer g, int from, int to, float factor) {
    int b = from;
    for (int end = to - VBYTES; b <= end; b += VBYTES) {
      load(g, b).mul(factor).intoByteBuffer(g, b, LE);
    }
    for (; b < to; b += 4) {
      g.putFloat(b, g.getFloat(b) * factor);
    }
  }
}
