package org.albertspark.model.kernels;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.albertspark.model.tensor.Slice;

/** Layer normalization over the last dimension, forward and backward (llm.c style). */
public final class LayerNorm {

  private LayerNorm() {}

  /**
   * out[r,:] = (in[r,:] - mean_r) · rstd_r · weight + bias, for r < rows, each row {@code cols}
   * wide. Caches mean[rows] and rstd[rows] for the backward pass. {@code out} may alias {@code in}.
   */
  public static void forward(
      Slice out, Slice mean, Slice rstd, Slice in, Slice weight, Slice bias,
      int rows, int cols, double eps) {
    ByteBuffer ib = Vec.buf(in), ob = Vec.buf(out), wb = Vec.buf(weight), bb = Vec.buf(bias);
    int bound = Vec.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      long row = (long) r * cols;
      FloatVector acc = FloatVector.zero(Vec.S);
      int c = 0;
      for (; c < bound; c += Vec.L) {
        acc = acc.add(Vec.load(ib, Vec.at(in, row + c)));
      }
      float sum = acc.reduceLanes(VectorOperators.ADD);
      for (; c < cols; c++) {
        sum += in.get(row + c);
      }
      float m = sum / cols;
      FloatVector mv = FloatVector.broadcast(Vec.S, m);
      acc = FloatVector.zero(Vec.S);
      for (c = 0; c < bound; c += Vec.L) {
        FloatVector d = Vec.load(ib, Vec.at(in, row + c)).sub(mv);
        acc = d.fma(d, acc);
      }
      float sq = acc.reduceLanes(VectorOperators.ADD);
      for (; c < cols; c++) {
        float d = in.get(row + c) - m;
        sq += d * d;
      }
      float s = (float) (1.0 / Math.sqrt(sq / cols + eps));
      FloatVector sv = FloatVector.broadcast(Vec.S, s);
      for (c = 0; c < bound; c += Vec.L) {
        FloatVector n = Vec.load(ib, Vec.at(in, row + c)).sub(mv).mul(sv);
        Vec.store(n.fma(Vec.load(wb, Vec.at(weight, c)), Vec.load(bb, Vec.at(bias, c))), ob, Vec.at(out, row + c));
      }
      for (; c < cols; c++) {
        out.set(row + c, (in.get(row + c) - m) * s * weight.get(c) + bias.get(c));
      }
      mean.set(r, m);
      rstd.set(r, s);
    }
  }

  /**
   * Backward of {@link #forward}: dIn = (or +=, when {@code accumulate}) the input gradient;
   * dWeight and dBias always accumulate. {@code in} is the forward input, mean/rstd its cache.
   * dIn must not alias dOut.
   */
  public static void backward(
      Slice dIn, Slice dWeight, Slice dBias, Slice dOut, Slice in, Slice weight,
      Slice mean, Slice rstd, int rows, int cols, boolean accumulate) {
    ByteBuffer ib = Vec.buf(in), gb = Vec.buf(dOut), wb = Vec.buf(weight), xb = Vec.buf(dIn);
    ByteBuffer dwb = Vec.buf(dWeight), dbb = Vec.buf(dBias);
    int bound = Vec.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      long row = (long) r * cols;
      float m = mean.get(r), s = rstd.get(r);
      FloatVector mv = FloatVector.broadcast(Vec.S, m), sv = FloatVector.broadcast(Vec.S, s);
      // dnorm = dOut · weight; need mean(dnorm) and mean(dnorm · norm).
      FloatVector a1 = FloatVector.zero(Vec.S), a2 = FloatVector.zero(Vec.S);
      int c = 0;
      for (; c < bound; c += Vec.L) {
        FloatVector g = Vec.load(gb, Vec.at(dOut, row + c));
        FloatVector norm = Vec.load(ib, Vec.at(in, row + c)).sub(mv).mul(sv);
        FloatVector dn = g.mul(Vec.load(wb, Vec.at(weight, c)));
        a1 = a1.add(dn);
        a2 = dn.fma(norm, a2);
        Vec.store(g.fma(norm, Vec.load(dwb, Vec.at(dWeight, c))), dwb, Vec.at(dWeight, c));
        Vec.store(g.add(Vec.load(dbb, Vec.at(dBias, c))), dbb, Vec.at(dBias, c));
      }
      float dnMean = a1.reduceLanes(VectorOperators.ADD);
      float dnNormMean = a2.reduceLanes(VectorOperators.ADD);
      for (; c < cols; c++) {
        float g = dOut.get(row + c);
        float norm = (in.get(row + c) - m) * s;
        float dn = g * weight.get(c);
        dnMean += dn;
        dnNormMean += dn * norm;
        dWeight.set(c, dWeight.get(c) + g * norm);
        dBias.set(c, dBias.get(c) + g);
      }
      dnMean /= cols;
      dnNormMean /= cols;
      FloatVector dmv = FloatVector.broadcast(Vec.S, dnMean), dnnv = FloatVector.broadcast(Vec.S, dnNormMean);
      for (c = 0; c < bound; c += Vec.L) {
        FloatVector g = Vec.load(gb, Vec.at(dOut, row + c));
        FloatVector norm = Vec.load(ib, Vec.at(in, row + c)).sub(mv).mul(sv);
        FloatVector dn = g.mul(Vec.load(wb, Vec.at(weight, c)));
        FloatVector dx = dn.sub(dmv).sub(norm.mul(dnnv)).mul(sv);
        if (accumulate) {
          dx = dx.add(Vec.load(xb, Vec.at(dIn, row + c)));
        }
        Vec.store(dx, xb, Vec.at(dIn, row + c));
      }
      for (; c < cols; c++) {
        float norm = (in.get(row + c) - m) * s;
        float dn = dOut.get(row + c) * weight.get(c);
        float dx = (dn - dnMean - norm * dnNormMean) * s;
        dIn.set(row + c, accumulate ? dIn.get(row + c) + dx : dx);
      }
    }
  }
}
