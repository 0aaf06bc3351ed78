package org.albertspark.model.kernels;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.albertspark.model.tensor.Slice;

/**
 * Multi-head scaled dot-product attention with an additive padding mask. Q, K, V and the context
 * stay in their [B·T, H] row layout; each head is a strided window (row stride H) handed to GEMM
 * directly, so no transposes or copies are made.
 */
public final class Attention {

  /** HF fills masked keys with the most negative float, added to the scaled scores. */
  public static final float MASK_FILL = -Float.MAX_VALUE;

  private Attention() {}

  /**
   * probs[b,h,T,T] = softmax(Q_bh K_bhᵀ / √d + maskAdd[b]); ctx[b·T+t, h·d..] = (probs ⊙ dropMask) V_bh.
   *
   * @param maskAdd [B, T]: 0 for attended keys, {@link #MASK_FILL} for padding
   * @param dropped [B,h,T,T] probabilities after dropout, or null when there is no dropout
   * @param dropMask [B,h,T,T] 0 or 1/(1-p), or null
   */
  public static void forward(
      Slice ctx, Slice probs, Slice dropped, Slice dropMask, Slice q, Slice k, Slice v,
      Slice maskAdd, int batch, int seq, int heads, int headDim) {
    int hidden = heads * headDim;
    float scale = (float) (1.0 / Math.sqrt(headDim));
    long tt = (long) seq * seq;
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < heads; h++) {
        long qkv = (long) b * seq * hidden + (long) h * headDim;
        long p = ((long) b * heads + h) * tt;
        Blas.gemm(false, true, seq, seq, headDim, scale, q, qkv, hidden, k, qkv, hidden, 0f, probs, p, seq);
        softmaxRows(probs, p, maskAdd, (long) b * seq, seq);
        Slice used = probs;
        if (dropMask != null) {
          used = dropped;
          for (long i = 0; i < tt; i++) {
            dropped.set(p + i, probs.get(p + i) * dropMask.get(p + i));
          }
        }
        Blas.gemm(false, false, seq, headDim, seq, 1f, used, p, seq, v, qkv, hidden, 0f, ctx, qkv, hidden);
      }
    }
  }

  /** In place: each of the seq rows at {@code p} becomes softmax(row + maskAdd[m..m+seq]). */
  private static void softmaxRows(Slice s, long p, Slice maskAdd, long m, int seq) {
    ByteBuffer sb = Vec.buf(s), mb = Vec.buf(maskAdd);
    int bound = Vec.loopBound(seq);
    for (int i = 0; i < seq; i++) {
      long row = p + (long) i * seq;
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
        FloatVector e = Vec.load(sb, at).sub(mv).lanewise(VectorOperators.EXP);
        Vec.store(e, sb, at);
        acc = acc.add(e);
      }
      float sum = acc.reduceLanes(VectorOperators.ADD);
      for (; j < seq; j++) {
        float e = (float) Math.exp(s.get(row + j) - max);
        s.set(row + j, e);
        sum += e;
      }
      FloatVector inv = FloatVector.broadcast(Vec.S, 1f / sum);
      for (j = 0; j < bound; j += Vec.L) {
        int at = Vec.at(s, row + j);
        Vec.store(Vec.load(sb, at).mul(inv), sb, at);
      }
      float invs = 1f / sum;
      for (; j < seq; j++) {
        s.set(row + j, s.get(row + j) * invs);
      }
    }
  }

  /**
   * Backward of {@link #forward}: writes dQ, dK, dV (overwriting) from dCtx. {@code scratch} holds
   * at least T·T floats.
   */
  public static void backward(
      Slice dq, Slice dk, Slice dv, Slice dCtx, Slice probs, Slice dropped, Slice dropMask,
      Slice q, Slice k, Slice v, Slice scratch, int batch, int seq, int heads, int headDim) {
    int hidden = heads * headDim;
    float scale = (float) (1.0 / Math.sqrt(headDim));
    long tt = (long) seq * seq;
    ByteBuffer db = Vec.buf(scratch), pb = Vec.buf(probs);
    int bound = Vec.loopBound(seq);
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < heads; h++) {
        long qkv = (long) b * seq * hidden + (long) h * headDim;
        long p = ((long) b * heads + h) * tt;
        Slice used = dropMask == null ? probs : dropped;
        // dV = P_usedᵀ dCtx ; dP = dCtx Vᵀ
        Blas.gemm(true, false, seq, headDim, seq, 1f, used, p, seq, dCtx, qkv, hidden, 0f, dv, qkv, hidden);
        Blas.gemm(false, true, seq, seq, headDim, 1f, dCtx, qkv, hidden, v, qkv, hidden, 0f, scratch, 0, seq);
        if (dropMask != null) {
          for (long i = 0; i < tt; i++) {
            scratch.set(i, scratch.get(i) * dropMask.get(p + i));
          }
        }
        // softmax backward in place: dS = P ⊙ (dP − Σ_j dP·P)
        for (int i = 0; i < seq; i++) {
          long row = (long) i * seq;
          FloatVector acc = FloatVector.zero(Vec.S);
          int j = 0;
          for (; j < bound; j += Vec.L) {
            acc = Vec.load(db, Vec.at(scratch, row + j)).fma(Vec.load(pb, Vec.at(probs, p + row + j)), acc);
          }
          float dot = acc.reduceLanes(VectorOperators.ADD);
          for (; j < seq; j++) {
            dot += scratch.get(row + j) * probs.get(p + row + j);
          }
          FloatVector dv2 = FloatVector.broadcast(Vec.S, dot);
          for (j = 0; j < bound; j += Vec.L) {
            int at = Vec.at(scratch, row + j);
            Vec.store(Vec.load(db, at).sub(dv2).mul(Vec.load(pb, Vec.at(probs, p + row + j))), db, at);
          }
          for (; j < seq; j++) {
            scratch.set(row + j, (scratch.get(row + j) - dot) * probs.get(p + row + j));
          }
        }
        // dQ = scale · dS K ; dK = scale · dSᵀ Q
        Blas.gemm(false, false, seq, headDim, seq, scale, scratch, 0, seq, k, qkv, hidden, 0f, dq, qkv, hidden);
        Blas.gemm(true, false, seq, headDim, seq, scale, scratch, 0, seq, q, qkv, hidden, 0f, dk, qkv, hidden);
      }
    }
  }
}
