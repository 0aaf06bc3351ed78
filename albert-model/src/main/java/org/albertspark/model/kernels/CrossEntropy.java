package org.albertspark.model.kernels;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.albertspark.model.tensor.Slice;

/**
 * Softmax cross-entropy over rows of logits, returned as a sum and a count so that distributed
 * training can divide by the global count. Rows labelled {@link #IGNORE} do not count.
 */
public final class CrossEntropy {

  /** PyTorch's ignore_index, used by HF for unmasked MLM positions. */
  public static final int IGNORE = -100;

  private CrossEntropy() {}

  /** Σ over counted rows of −log softmax(logits[r])[labels[r]]; logits[rows, classes]. */
  public static double lossSum(Slice logits, int[] labels, int rows, int classes) {
    double[] perRow = new double[rows];
    Parallel.forRange(
        rows,
        2L * classes,
        (from, to) -> {
          for (int r = from; r < to; r++) {
            if (labels[r] != IGNORE) {
              long row = (long) r * classes;
              perRow[r] = logSumExp(logits, row, classes) - logits.get(row + labels[r]);
            }
          }
        });
    double sum = 0; // summed in row order: the same result however the rows were split
    for (double v : perRow) {
      sum += v;
    }
    return sum;
  }

  /** Number of counted rows. */
  public static long count(int[] labels, int rows) {
    long n = 0;
    for (int r = 0; r < rows; r++) {
      if (labels[r] != IGNORE) {
        n++;
      }
    }
    return n;
  }

  /**
   * Overwrites logits with d(scale · lossSum)/d logits: scale · (softmax − onehot) on counted rows,
   * zero on ignored rows.
   */
  public static void gradientInPlace(
      Slice logits, int[] labels, int rows, int classes, float scale) {
    Parallel.forRange(
        rows, 3L * classes, (from, to) -> gradientRows(logits, labels, from, to, classes, scale));
  }

  private static void gradientRows(
      Slice logits, int[] labels, int from, int to, int classes, float scale) {
    ByteBuffer lb = Vec.buf(logits);
    int bound = Vec.loopBound(classes);
    for (int r = from; r < to; r++) {
      long row = (long) r * classes;
      if (labels[r] == IGNORE) {
        Elementwise.zero(logits.sub(row, classes));
        continue;
      }
      float lse = (float) logSumExp(logits, row, classes);
      FloatVector lv = FloatVector.broadcast(Vec.S, lse);
      int c = 0;
      for (; c < bound; c += Vec.L) {
        int at = Vec.at(logits, row + c);
        Vec.store(VecMath.exp(Vec.load(lb, at).sub(lv)).mul(scale), lb, at);
      }
      for (; c < classes; c++) {
        logits.set(row + c, (float) Math.exp(logits.get(row + c) - lse) * scale);
      }
      long hit = row + labels[r];
      logits.set(hit, logits.get(hit) - scale);
    }
  }

  private static double logSumExp(Slice x, long row, int n) {
    ByteBuffer xb = Vec.buf(x);
    int bound = Vec.loopBound(n);
    FloatVector mx = FloatVector.broadcast(Vec.S, Float.NEGATIVE_INFINITY);
    int c = 0;
    for (; c < bound; c += Vec.L) {
      mx = mx.max(Vec.load(xb, Vec.at(x, row + c)));
    }
    float max = mx.reduceLanes(VectorOperators.MAX);
    for (; c < n; c++) {
      max = Math.max(max, x.get(row + c));
    }
    FloatVector mv = FloatVector.broadcast(Vec.S, max);
    FloatVector acc = FloatVector.zero(Vec.S);
    for (c = 0; c < bound; c += Vec.L) {
      acc = acc.add(VecMath.exp(Vec.load(xb, Vec.at(x, row + c)).sub(mv)));
    }
    double sum = VecMath.sum(acc);
    for (; c < n; c++) {
      sum += Math.exp(x.get(row + c) - max);
    }
    return max + Math.log(sum);
  }
}
