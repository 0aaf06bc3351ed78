package org.albertspark.model.kernels;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.albertspark.model.tensor.Slice;

/**
 * Multi-head scaled dot-product attention with an additive padding mask. Q, K, V and the context
 * stay in their [B·T, H] row layout; each head is a strided window (row stride H) handed to GEMM
 * directly, so no transposes or copies are made. GEMMs run head by head (BLAS threads them); the
 * softmax passes between them run over all rows at once, split across cores.
 */
public final class Attention {

  /** HF fills masked keys with the most negative float, added to the scaled scores. */
  public static final float MASK_FILL = -Float.MAX_VALUE;

  private Attention() {}

  /**
   * probs[b,h,Tq,T] = softmax(Q_bh K_bhᵀ / √d + maskAdd[b]); ctx[b·Tq+i, h·d..] = (probs ⊙
   * dropMask) V_bh. Tq = T in a transformer layer; Tq = 1 when only each sequence's first position
   * is queried (its [CLS] row, {@code q} and {@code ctx} holding [B, H]). {@code ctx} may alias
   * {@code q}: every query of a sequence is read before its context is written.
   *
   * @param q [B·Tq, H] queries; k, v [B·T, H]
   * @param maskAdd [B, T]: 0 for attended keys, {@link #MASK_FILL} for padding
   * @param dropped [B,h,Tq,T] probabilities after dropout, or null when there is no dropout
   * @param dropMask [B,h,Tq,T] 0 or 1/(1-p), or null
   */
  public static void forward(
      Slice ctx,
      Slice probs,
      Slice dropped,
      Slice dropMask,
      Slice q,
      Slice k,
      Slice v,
      Slice maskAdd,
      int batch,
      int queries,
      int seq,
      int heads,
      int headDim) {
    int hidden = heads * headDim;
    float scale = (float) (1.0 / Math.sqrt(headDim));
    long qt = (long) queries * seq;
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < heads; h++) {
        long qo = (long) b * queries * hidden + (long) h * headDim;
        long kv = (long) b * seq * hidden + (long) h * headDim;
        Blas.gemm(
            false,
            true,
            queries,
            seq,
            headDim,
            scale,
            q,
            qo,
            hidden,
            k,
            kv,
            hidden,
            0f,
            probs,
            ((long) b * heads + h) * qt,
            seq);
      }
    }
    Parallel.forRange(
        batch * heads * queries,
        4L * seq,
        (from, to) -> softmaxRows(probs, maskAdd, from, to, heads * queries, seq));
    Slice used = probs;
    if (dropMask != null) {
      Elementwise.multiply(dropped, probs, dropMask, (long) batch * heads * qt);
      used = dropped;
    }
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < heads; h++) {
        long qo = (long) b * queries * hidden + (long) h * headDim;
        long kv = (long) b * seq * hidden + (long) h * headDim;
        Blas.gemm(
            false,
            false,
            queries,
            headDim,
            seq,
            1f,
            used,
            ((long) b * heads + h) * qt,
            seq,
            v,
            kv,
            hidden,
            0f,
            ctx,
            qo,
            hidden);
      }
    }
  }

  /**
   * In place, rows [from, to) of [B·rowsPerSequence, T]: row ← softmax(row + maskAdd[b]), b the
   * row's sequence.
   */
  private static void softmaxRows(
      Slice s, Slice maskAdd, int from, int to, int rowsPerSequence, int seq) {
    ByteBuffer sb = Vec.buf(s), mb = Vec.buf(maskAdd);
    int bound = Vec.loopBound(seq);
    for (int r = from; r < to; r++) {
      long row = (long) r * seq;
      long m = (long) (r / rowsPerSequence) * seq;
      FloatVector mx = FloatVector.broadcast(Vec.S, Float.NEGATIVE_INFINITY);
      int j = 0;
      for (; j < bound; j += Vec.L) {
        int at = Vec.at(s, row + j);
        FloatVector x = Vec.load(sb, at).add(Vec.load(mb, Vec.at(maskAdd, m + j)));
        Vec.store(x, sb, at);
        mx = mx.max(x);
      }
      float max = mx.reduceLanes(VectorOperators.MAX);
      for (; j < seq; j++) {
        float x = s.get(row + j) + maskAdd.get(m + j);
        s.set(row + j, x);
        max = Math.max(max, x);
      }
      FloatVector mv = FloatVector.broadcast(Vec.S, max);
      FloatVector acc = FloatVector.zero(Vec.S);
      for (j = 0; j < bound; j += Vec.L) {
        int at = Vec.at(s, row + j);
        FloatVector e = VecMath.exp(Vec.load(sb, at).sub(mv));
        Vec.store(e, sb, at);
        acc = acc.add(e);
      }
      float sum = VecMath.sum(acc);
      for (; j < seq; j++) {
        float e = (float) Math.exp(s.get(row + j) - max);
        s.set(row + j, e);
        sum += e;
      }
      float inv = 1f / sum;
      FloatVector iv = FloatVector.broadcast(Vec.S, inv);
      for (j = 0; j < bound; j += Vec.L) {
        int at = Vec.at(s, row + j);
        Vec.store(Vec.load(sb, at).mul(iv), sb, at);
      }
      for (; j < seq; j++) {
        s.set(row + j, s.get(row + j) * inv);
      }
    }
  }

  /**
   * Backward of {@link #forward}: writes dQ, dK, dV (overwriting) from dCtx. {@code dScores} is
   * scratch of [B, heads, T, T].
   */
  public static void backward(
      Slice dq,
      Slice dk,
      Slice dv,
      Slice dCtx,
      Slice probs,
      Slice dropped,
      Slice dropMask,
      Slice q,
      Slice k,
      Slice v,
      Slice dScores,
      int batch,
      int seq,
      int heads,
      int headDim) {
    int hidden = heads * headDim;
    float scale = (float) (1.0 / Math.sqrt(headDim));
    long tt = (long) seq * seq;
    Slice used = dropMask == null ? probs : dropped;
    // dV = P_usedᵀ dCtx ; dP = dCtx Vᵀ
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < heads; h++) {
        long qkv = (long) b * seq * hidden + (long) h * headDim;
        long p = ((long) b * heads + h) * tt;
        Blas.gemm(
            true, false, seq, headDim, seq, 1f, used, p, seq, dCtx, qkv, hidden, 0f, dv, qkv,
            hidden);
        Blas.gemm(
            false, true, seq, seq, headDim, 1f, dCtx, qkv, hidden, v, qkv, hidden, 0f, dScores, p,
            seq);
      }
    }
    if (dropMask != null) {
      Elementwise.multiplyInPlace(dScores, dropMask, (long) batch * heads * tt);
    }
    Parallel.forRange(
        batch * heads * seq,
        3L * seq,
        (from, to) -> softmaxBackwardRows(dScores, probs, from, to, seq));
    // dQ = scale · dS K ; dK = scale · dSᵀ Q
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < heads; h++) {
        long qkv = (long) b * seq * hidden + (long) h * headDim;
        long p = ((long) b * heads + h) * tt;
        Blas.gemm(
            false, false, seq, headDim, seq, scale, dScores, p, seq, k, qkv, hidden, 0f, dq, qkv,
            hidden);
        Blas.gemm(
            true, false, seq, headDim, seq, scale, dScores, p, seq, q, qkv, hidden, 0f, dk, qkv,
            hidden);
      }
    }
  }

  /** In place over rows [from, to): dS = P ⊙ (dP − Σ_j dP·P). */
  private static void softmaxBackwardRows(Slice d, Slice probs, int from, int to, int seq) {
    ByteBuffer db = Vec.buf(d), pb = Vec.buf(probs);
    int bound = Vec.loopBound(seq);
    for (int r = from; r < to; r++) {
      long row = (long) r * seq;
      FloatVector acc = FloatVector.zero(Vec.S);
      int j = 0;
      for (; j < bound; j += Vec.L) {
        acc = Vec.load(db, Vec.at(d, row + j)).fma(Vec.load(pb, Vec.at(probs, row + j)), acc);
      }
      float dot = VecMath.sum(acc);
      for (; j < seq; j++) {
        dot += d.get(row + j) * probs.get(row + j);
      }
      FloatVector dotv = FloatVector.broadcast(Vec.S, dot);
      for (j = 0; j < bound; j += Vec.L) {
        int at = Vec.at(d, row + j);
        Vec.store(Vec.load(db, at).sub(dotv).mul(Vec.load(pb, Vec.at(probs, row + j))), db, at);
      }
      for (; j < seq; j++) {
        d.set(row + j, (d.get(row + j) - dot) * probs.get(row + j));
      }
    }
  }
}
