package org.albertspark.model.kernels;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.albertspark.model.tensor.Slice;

/** Small fused element-wise kernels over slices. */
public final class Elementwise {

  private Elementwise() {}

  /** out[r,:] = a[r,:] + b[r,:] for n floats (out may alias a or b). */
  public static void add(Slice out, Slice a, Slice b, long n) {
    Parallel.forRange(Math.toIntExact(n), 3, (from, to) -> addRange(out, a, b, from, to));
  }

  private static void addRange(Slice out, Slice a, Slice b, int from, int to) {
    ByteBuffer ab = Vec.buf(a), bb = Vec.buf(b), ob = Vec.buf(out);
    int i = from, bound = from + Vec.loopBound(to - from);
    for (; i < bound; i += Vec.L) {
      Vec.store(Vec.load(ab, Vec.at(a, i)).add(Vec.load(bb, Vec.at(b, i))), ob, Vec.at(out, i));
    }
    for (; i < to; i++) {
      out.set(i, a.get(i) + b.get(i));
    }
  }

  /** out += a for n floats. */
  public static void addInPlace(Slice out, Slice a, long n) {
    add(out, out, a, n);
  }

  /** Adds bias[cols] to every row of x[rows, cols] in place. */
  public static void addBiasRows(Slice x, Slice bias, int rows, int cols) {
    Parallel.forRange(rows, 2L * cols, (from, to) -> addBiasRows(x, bias, from, to, cols));
  }

  private static void addBiasRows(Slice x, Slice bias, int from, int to, int cols) {
    ByteBuffer xb = Vec.buf(x), bb = Vec.buf(bias);
    int bound = Vec.loopBound(cols);
    for (int r = from; r < to; r++) {
      long row = (long) r * cols;
      int c = 0;
      for (; c < bound; c += Vec.L) {
        int at = Vec.at(x, row + c);
        Vec.store(Vec.load(xb, at).add(Vec.load(bb, Vec.at(bias, c))), xb, at);
      }
      for (; c < cols; c++) {
        x.set(row + c, x.get(row + c) + bias.get(c));
      }
    }
  }

  /** dBias[cols] += column sums of dOut[rows, cols] (the bias gradient of a linear layer). */
  public static void accumulateColumnSums(Slice dBias, Slice dOut, int rows, int cols) {
    int blocks = (cols + Vec.L - 1) / Vec.L;
    Parallel.forRange(
        blocks,
        (long) rows * Vec.L,
        (from, to) ->
            accumulateColumnSums(
                dBias, dOut, rows, cols, from * Vec.L, Math.min(cols, to * Vec.L)));
  }

  private static void accumulateColumnSums(
      Slice dBias, Slice dOut, int rows, int cols, int c0, int c1) {
    ByteBuffer gb = Vec.buf(dOut), db = Vec.buf(dBias);
    int vectorEnd = c0 + Vec.loopBound(c1 - c0);
    for (int r = 0; r < rows; r++) {
      long row = (long) r * cols;
      int c = c0;
      for (; c < vectorEnd; c += Vec.L) {
        int at = Vec.at(dBias, c);
        Vec.store(Vec.load(db, at).add(Vec.load(gb, Vec.at(dOut, row + c))), db, at);
      }
      for (; c < c1; c++) {
        dBias.set(c, dBias.get(c) + dOut.get(row + c));
      }
    }
  }

  /** out = a ⊙ b element-wise for n floats (out may alias a or b). */
  public static void multiply(Slice out, Slice a, Slice b, long n) {
    Parallel.forRange(Math.toIntExact(n), 3, (from, to) -> multiplyRange(out, a, b, from, to));
  }

  /** x *= mask element-wise (dropout with a precomputed 0 or 1/(1-p) mask). */
  public static void multiplyInPlace(Slice x, Slice mask, long n) {
    multiply(x, x, mask, n);
  }

  private static void multiplyRange(Slice out, Slice a, Slice b, int from, int to) {
    ByteBuffer ab = Vec.buf(a), bb = Vec.buf(b), ob = Vec.buf(out);
    int i = from, bound = from + Vec.loopBound(to - from);
    for (; i < bound; i += Vec.L) {
      Vec.store(Vec.load(ab, Vec.at(a, i)).mul(Vec.load(bb, Vec.at(b, i))), ob, Vec.at(out, i));
    }
    for (; i < to; i++) {
      out.set(i, a.get(i) * b.get(i));
    }
  }

  /** Fills every float with zero. */
  public static void zero(Slice x) {
    ByteBuffer xb = Vec.buf(x);
    int len = Math.toIntExact(x.size());
    FloatVector z = FloatVector.zero(Vec.S);
    int bound = Vec.loopBound(len), i = 0;
    for (; i < bound; i += Vec.L) {
      Vec.store(z, xb, Vec.at(x, i));
    }
    for (; i < len; i++) {
      x.set(i, 0f);
    }
  }
}
