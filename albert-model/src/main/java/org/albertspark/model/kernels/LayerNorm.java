package org.albertspark.model.kernels;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.albertspark.model.tensor.Slice;

/** Layer normalization over the last dimension, forward and backward (llm.c style). */
public final class LayerNorm {

  private LayerNorm() {}

  /**
   * out[r,:] = (in[r,:] - mean_r) · rstd_r · weight + bias, for r < rows, each row {@code cols}
   * wide. Caches mean[rows] and rstd[rows] for the backward pass. {@code out} may alias {@code in}.
   */
  public static void forward(
      Slice out,
      Slice mean,
      Slice rstd,
      Slice in,
      Slice weight,
      Slice bias,
      int rows,
      int cols,
      double eps) {
    Parallel.forRange(
        rows,
        3L * cols,
        (from, to) -> forwardRows(out, mean, rstd, in, weight, bias, from, to, cols, eps));
  }

  private static void forwardRows(
      Slice out,
      Slice mean,
      Slice rstd,
      Slice in,
      Slice weight,
      Slice bias,
      int from,
      int to,
      int cols,
      double eps) {
    ByteBuffer ib = Vec.buf(in), ob = Vec.buf(out), wb = Vec.buf(weight), bb = Vec.buf(bias);
    int bound = Vec.loopBound(cols);
    for (int r = from; r < to; r++) {
      long row = (long) r * cols;
      FloatVector acc = FloatVector.zero(Vec.S);
      int c = 0;
      for (; c < bound; c += Vec.L) {
        acc = acc.add(Vec.load(ib, Vec.at(in, row + c)));
      }
      float sum = VecMath.sum(acc);
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
      float sq = VecMath.sum(acc);
      for (; c < cols; c++) {
        float d = in.get(row + c) - m;
        sq += d * d;
      }
      float s = (float) (1.0 / Math.sqrt(sq / cols + eps));
      FloatVector sv = FloatVector.broadcast(Vec.S, s);
      for (c = 0; c < bound; c += Vec.L) {
        FloatVector n = Vec.load(ib, Vec.at(in, row + c)).sub(mv).mul(sv);
        Vec.store(
            n.fma(Vec.load(wb, Vec.at(weight, c)), Vec.load(bb, Vec.at(bias, c))),
            ob,
            Vec.at(out, row + c));
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
   * dWeight and dBias always accumulate. {@code in} is the forward input, mean/rstd its cache. dIn
   * must not alias dOut. Rows are split across threads for dIn, columns for dWeight/dBias.
   */
  public static void backward(
      Slice dIn,
      Slice dWeight,
      Slice dBias,
      Slice dOut,
      Slice in,
      Slice weight,
      Slice mean,
      Slice rstd,
      int rows,
      int cols,
      boolean accumulate) {
    Parallel.forRange(
        rows,
        4L * cols,
        (from, to) ->
            inputGradientRows(dIn, dOut, in, weight, mean, rstd, from, to, cols, accumulate));
    int blocks = (cols + Vec.L - 1) / Vec.L;
    Parallel.forRange(
        blocks,
        3L * rows * Vec.L,
        (from, to) ->
            parameterGradientColumns(
                dWeight,
                dBias,
                dOut,
                in,
                mean,
                rstd,
                rows,
                cols,
                from * Vec.L,
                Math.min(cols, to * Vec.L)));
  }

  // dx = (dnorm − mean(dnorm) − norm · mean(dnorm · norm)) · rstd, with dnorm = dOut · weight
  private static void inputGradientRows(
      Slice dIn,
      Slice dOut,
      Slice in,
      Slice weight,
      Slice mean,
      Slice rstd,
      int from,
      int to,
      int cols,
      boolean accumulate) {
    ByteBuffer ib = Vec.buf(in), gb = Vec.buf(dOut), wb = Vec.buf(weight), xb = Vec.buf(dIn);
    int bound = Vec.loopBound(cols);
    for (int r = from; r < to; r++) {
      long row = (long) r * cols;
      float m = mean.get(r), s = rstd.get(r);
      FloatVector mv = FloatVector.broadcast(Vec.S, m), sv = FloatVector.broadcast(Vec.S, s);
      FloatVector a1 = FloatVector.zero(Vec.S), a2 = FloatVector.zero(Vec.S);
      int c = 0;
      for (; c < bound; c += Vec.L) {
        FloatVector norm = Vec.load(ib, Vec.at(in, row + c)).sub(mv).mul(sv);
        FloatVector dn = Vec.load(gb, Vec.at(dOut, row + c)).mul(Vec.load(wb, Vec.at(weight, c)));
        a1 = a1.add(dn);
        a2 = dn.fma(norm, a2);
      }
      float dnMean = VecMath.sum(a1);
      float dnNormMean = VecMath.sum(a2);
      for (; c < cols; c++) {
        float norm = (in.get(row + c) - m) * s;
        float dn = dOut.get(row + c) * weight.get(c);
        dnMean += dn;
        dnNormMean += dn * norm;
      }
      dnMean /= cols;
      dnNormMean /= cols;
      FloatVector dmv = FloatVector.broadcast(Vec.S, dnMean),
          dnnv = FloatVector.broadcast(Vec.S, dnNormMean);
      for (c = 0; c < bound; c += Vec.L) {
        FloatVector norm = Vec.load(ib, Vec.at(in, row + c)).sub(mv).mul(sv);
        FloatVector dn = Vec.load(gb, Vec.at(dOut, row + c)).mul(Vec.load(wb, Vec.at(weight, c)));
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

  // dWeight[c] += Σ_r dOut[r,c] · norm[r,c]; dBias[c] += Σ_r dOut[r,c], for c in [c0, c1)
  private static void parameterGradientColumns(
      Slice dWeight,
      Slice dBias,
      Slice dOut,
      Slice in,
      Slice mean,
      Slice rstd,
      int rows,
      int cols,
      int c0,
      int c1) {
    ByteBuffer ib = Vec.buf(in), gb = Vec.buf(dOut), dwb = Vec.buf(dWeight), dbb = Vec.buf(dBias);
    int vectorEnd = c0 + Vec.loopBound(c1 - c0);
    for (int r = 0; r < rows; r++) {
      long row = (long) r * cols;
      float m = mean.get(r), s = rstd.get(r);
      FloatVector mv = FloatVector.broadcast(Vec.S, m), sv = FloatVector.broadcast(Vec.S, s);
      int c = c0;
      for (; c < vectorEnd; c += Vec.L) {
        FloatVector g = Vec.load(gb, Vec.at(dOut, row + c));
        FloatVector norm = Vec.load(ib, Vec.at(in, row + c)).sub(mv).mul(sv);
        Vec.store(g.fma(norm, Vec.load(dwb, Vec.at(dWeight, c))), dwb, Vec.at(dWeight, c));
        Vec.store(g.add(Vec.load(dbb, Vec.at(dBias, c))), dbb, Vec.at(dBias, c));
      }
      for (; c < c1; c++) {
        float g = dOut.get(row + c);
        dWeight.set(c, dWeight.get(c) + g * (in.get(row + c) - m) * s);
        dBias.set(c, dBias.get(c) + g);
      }
    }
  }
}
