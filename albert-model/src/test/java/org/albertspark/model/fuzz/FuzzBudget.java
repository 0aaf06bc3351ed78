package org.albertspark.model.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

/**
 * The budget of one fuzz input: heap allocated by this thread in proportion to the input, and a
 * wall-clock limit far above the normal cost (a guard against hangs and quadratic paths).
 */
final class FuzzBudget {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final long startBytes = THREADS.getCurrentThreadAllocatedBytes();
  private final long startNanos = System.nanoTime();

  /** Fails when more than {@code perInputByte × inputBytes + slackBytes} was allocated. */
  void check(long inputBytes, long perInputByte, long slackBytes, long millis) {
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - startBytes;
    long limit = perInputByte * inputBytes + slackBytes;
    assertTrue(
        allocated <= limit,
        "allocated "
            + allocated
            + " bytes for a "
            + inputBytes
            + "-byte input (limit "
            + limit
            + ")");
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    assertTrue(ms <= millis, "took " + ms + " ms for a " + inputBytes + "-byte input");
  }
}
