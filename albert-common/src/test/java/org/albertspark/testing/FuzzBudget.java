package org.albertspark.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The budget of one fuzz input: heap allocated by this thread in proportion to the input, and a
 * wall-clock limit far above the normal cost (a guard against hangs and quadratic paths). Shared by
 * the fuzz tests of albert-model (config, safetensors, model directories) and data-prep
 * (SentencePiece models, the tokenizer).
 */
public final class FuzzBudget {
  private final long startBytes = ThreadAllocation.bytes();
  private final long startNanos = System.nanoTime();

  /** Fails when more than {@code perInputByte × inputBytes + slackBytes} was allocated. */
  public void check(long inputBytes, long perInputByte, long slackBytes, long millis) {
    long allocated = ThreadAllocation.bytes() - startBytes;
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
