package org.albertspark.jobs.finetune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.albertspark.model.kernels.CrossEntropy;
import org.albertspark.model.nn.Batch;

/**
 * Micro-batches of encoded examples. Each micro-batch is padded to its longest example rounded up
 * to a multiple of {@link #LENGTH_QUANTUM} (fewer distinct shapes, so workspaces are reused), not
 * to the maximum length: short texts cost short sequences. A global batch short of examples (the
 * last of an epoch) is filled with padding rows labelled IGNORE, which add nothing to the loss or
 * the gradient, so every step has the same micro-batch count whatever the number of workers.
 */
public final class ClassificationBatches {

  /** Padded lengths are multiples of this. */
  public static final int LENGTH_QUANTUM = 16;

  private ClassificationBatches() {}

  /**
   * {@code examples} (at most {@code microBatches · microBatchSize}) as exactly {@code
   * microBatches} micro-batches of {@code microBatchSize} rows, in order, IGNORE rows at the end.
   */
  public static List<Batch> of(
      List<EncodedExample> examples,
      int microBatches,
      int microBatchSize,
      int padId,
      int clsId,
      int sepId,
      int maxLength) {
    if (examples.size() > microBatches * microBatchSize) {
      throw new IllegalArgumentException(
          examples.size() + " examples do not fit " + microBatches + " x " + microBatchSize);
    }
    EncodedExample filler =
        new EncodedExample(new int[] {clsId, sepId}, new int[2], CrossEntropy.IGNORE);
    List<Batch> out = new ArrayList<>(microBatches);
    for (int m = 0; m < microBatches; m++) {
      List<EncodedExample> rows = new ArrayList<>(microBatchSize);
      for (int i = m * microBatchSize; i < (m + 1) * microBatchSize; i++) {
        rows.add(i < examples.size() ? examples.get(i) : filler);
      }
      out.add(batch(rows, padId, maxLength));
    }
    return out;
  }

  /** One batch, rows padded with {@code padId} (mask 0) to the quantized longest length. */
  static Batch batch(List<EncodedExample> rows, int padId, int maxLength) {
    int longest = 1;
    for (EncodedExample e : rows) {
      longest = Math.max(longest, e.length());
    }
    int t = Math.min(maxLength, ((longest + LENGTH_QUANTUM - 1) / LENGTH_QUANTUM) * LENGTH_QUANTUM);
    t = Math.max(t, longest);
    int b = rows.size();
    int[] ids = new int[b * t], types = new int[b * t], mask = new int[b * t], labels = new int[b];
    Arrays.fill(ids, padId);
    for (int r = 0; r < b; r++) {
      EncodedExample e = rows.get(r);
      System.arraycopy(e.inputIds(), 0, ids, r * t, e.length());
      System.arraycopy(e.tokenTypeIds(), 0, types, r * t, e.length());
      Arrays.fill(mask, r * t, r * t + e.length(), 1);
      labels[r] = e.label();
    }
    return new Batch(b, t, ids, types, mask, null, null, labels, null);
  }
}
