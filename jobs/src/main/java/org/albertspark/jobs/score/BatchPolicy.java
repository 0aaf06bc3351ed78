package org.albertspark.jobs.score;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a pool of windows is cut into forward passes. Scoring uses {@link #BUCKETED}; the other two
 * are what other tools do, kept so the benchmark compares them on the same engine.
 */
public enum BatchPolicy {
  /**
   * Sorted by length, each batch padded to its longest window rounded up to {@link #ROUND}, as many
   * rows as fit the token budget. Never pads to the maximum length.
   */
  BUCKETED,
  /** Input order, every window padded to the maximum length (Spark NLP's fixed-length batches). */
  PAD_TO_MAX,
  /** Input order, {@link #HF_BATCH} windows per batch padded to their longest (HF pipelines). */
  PAD_EACH_BATCH;

  /** Bucketed lengths are multiples of this: fewer distinct shapes, little padding. */
  static final int ROUND = 16;

  /** Bucketed batches of at least a quarter budget end before padded / real tokens passes this. */
  static final double MAX_PADDING = 1.1;

  /** Batch size of {@link #PAD_EACH_BATCH}. */
  static final int HF_BATCH = 32;

  /** One forward pass: its windows and the length they are padded to. */
  record Planned<W>(List<W> rows, int seqLength) {}

  /** The largest batch {@link #plan} makes: rows, and rows × padded length. */
  record Capacity(int rows, int tokens) {}

  /** What any batch this policy plans for {@code budget} and {@code maxLength} fits in. */
  Capacity capacity(int budget, int maxLength) {
    return switch (this) {
      // every bucketed length is at least min(ROUND, maxLength); a batch stays within budget
      case BUCKETED -> new Capacity(budget / Math.min(ROUND, maxLength), budget);
      case PAD_TO_MAX -> {
        int rows = Math.max(1, budget / maxLength);
        yield new Capacity(rows, rows * maxLength);
      }
      case PAD_EACH_BATCH -> new Capacity(HF_BATCH, HF_BATCH * maxLength);
    };
  }

  /**
   * Cuts {@code pool} into batches.
   *
   * @param length a window's length in tokens
   * @param budget token budget of a batch (rows × padded length)
   * @param maxLength the window length limit (max-seq-length)
   */
  <W> List<Planned<W>> plan(
      List<W> pool, java.util.function.ToIntFunction<W> length, int budget, int maxLength) {
    List<Planned<W>> out = new ArrayList<>();
    switch (this) {
      case BUCKETED -> {
        List<W> sorted = new ArrayList<>(pool);
        sorted.sort(Comparator.comparingInt(length));
        List<W> rows = new ArrayList<>();
        int seq = 0;
        long real = 0;
        for (W w : sorted) {
          int len = length.applyAsInt(w);
          int padded = Math.min(maxLength, roundUp(len));
          long cost = (long) (rows.size() + 1) * padded;
          boolean full = cost > budget;
          // a batch big enough to keep the GEMMs efficient ends where padding would pass 10%
          boolean wasteful =
              (long) rows.size() * seq >= budget / 4 && cost > MAX_PADDING * (real + len);
          if (!rows.isEmpty() && (full || wasteful)) {
            out.add(new Planned<>(rows, seq));
            rows = new ArrayList<>();
            real = 0;
          }
          rows.add(w);
          seq = padded;
          real += len;
        }
        if (!rows.isEmpty()) {
          out.add(new Planned<>(rows, seq));
        }
      }
      case PAD_TO_MAX -> {
        int perBatch = Math.max(1, budget / maxLength);
        for (int i = 0; i < pool.size(); i += perBatch) {
          out.add(new Planned<>(pool.subList(i, Math.min(pool.size(), i + perBatch)), maxLength));
        }
      }
      case PAD_EACH_BATCH -> {
        for (int i = 0; i < pool.size(); i += HF_BATCH) {
          List<W> rows = pool.subList(i, Math.min(pool.size(), i + HF_BATCH));
          out.add(new Planned<>(rows, rows.stream().mapToInt(length).max().orElse(1)));
        }
      }
    }
    return out;
  }

  private static int roundUp(int n) {
    return (n + ROUND - 1) / ROUND * ROUND;
  }
}
