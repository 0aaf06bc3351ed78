package org.albertspark.model.kernels;

import java.util.stream.IntStream;

/**
 * Splits a loop over [0, n) into contiguous chunks run on the calling thread and the common
 * fork-join pool, at most {@link Blas#THREADS} of them. The BLAS calls already use that many cores;
 * without this the plain-Java kernels between them would run on one core while the others idle.
 */
final class Parallel {

  /** Work per chunk below which splitting costs more than it saves. */
  private static final long MIN_WORK_PER_CHUNK = 1 << 15;

  interface RangeBody {
    void run(int from, int to);
  }

  private Parallel() {}

  /**
   * Runs body over chunks of [0, n); {@code workPerItem} (floats touched per item) decides how many
   * chunks are worth it.
   */
  static void forRange(int n, long workPerItem, RangeBody body) {
    int threads = Blas.THREADS;
    long chunksByWork = Math.max(1, (long) n * Math.max(1, workPerItem) / MIN_WORK_PER_CHUNK);
    int chunks = (int) Math.min(Math.min(threads, chunksByWork), Math.max(1, n));
    if (chunks <= 1) {
      body.run(0, n);
      return;
    }
    IntStream.range(0, chunks)
        .parallel()
        .forEach(i -> body.run((int) ((long) n * i / chunks), (int) ((long) n * (i + 1) / chunks)));
  }
}
