package org.albertspark.model.kernels;

import org.albertspark.model.tensor.Slice;

/**
 * Rows of a matrix picked by position, and the scatter of their gradient back: how the MLM head
 * runs at the labelled positions only, as google-research/albert's {@code gather_indexes} over
 * {@code masked_lm_positions} does.
 */
public final class Gather {

  private Gather() {}

  /**
   * The positions p &lt; n with labels[p] ≠ {@link CrossEntropy#IGNORE}, ascending, into {@code
   * positions[0, M)} and their labels into {@code rowLabels[0, M)}; returns M.
   */
  public static int labelledRows(int[] positions, int[] rowLabels, int[] labels, int n) {
    int m = 0;
    for (int p = 0; p < n; p++) {
      if (labels[p] != CrossEntropy.IGNORE) {
        positions[m] = p;
        rowLabels[m] = labels[p];
        m++;
      }
    }
    return m;
  }

  /** out[m, :] = in[positions[m], :] for m &lt; rows; every row {@code dim} floats. */
  public static void forward(Slice out, Slice in, int[] positions, int rows, int dim) {
    for (int m = 0; m < rows; m++) {
      copyRow(out, m, in, positions[m], dim);
    }
  }

  /**
   * The gradient of {@link #forward} when no position is picked twice: dIn[positions[m], :] =
   * dOut[m, :] for m &lt; rows, and every other row of dIn[n, dim] zero.
   */
  public static void backward(Slice dIn, Slice dOut, int[] positions, int rows, int n, int dim) {
    Elementwise.zero(dIn.sub(0, (long) n * dim));
    for (int m = 0; m < rows; m++) {
      copyRow(dIn, positions[m], dOut, m, dim);
    }
  }

  /** to[toRow, :] = from[fromRow, :], one bounds-checked bulk copy of {@code dim} floats. */
  private static void copyRow(Slice to, int toRow, Slice from, int fromRow, int dim) {
    Slice t = to.sub((long) toRow * dim, dim), f = from.sub((long) fromRow * dim, dim);
    Vec.buf(t).put(Vec.at(t, 0), Vec.buf(f), Vec.at(f, 0), Float.BYTES * dim);
  }
}
