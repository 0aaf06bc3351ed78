package org.albertspark.model.nn;

import java.util.EnumMap;
import java.util.Map;

/**
 * Wall time per kind of operation over the passes that ran with it enabled (the benchmark's
 * breakdown).
 */
public final class Profile {

  /** Kinds of operation, as the benchmark reports them. */
  public enum Op {
    LINEAR_FORWARD,
    LINEAR_BACKWARD,
    ATTENTION_FORWARD,
    ATTENTION_BACKWARD,
    LAYERNORM,
    ACTIVATION,
    RESIDUAL_AND_DROPOUT,
    EMBEDDINGS,
    MLM_GATHER,
    MLM_DECODER_FORWARD,
    MLM_DECODER_BACKWARD,
    LOSS,
    OPTIMIZER
  }

  private final Map<Op, Long> nanos = new EnumMap<>(Op.class);

  /** Adds the time since {@code start} (a {@link System#nanoTime()} reading) to {@code op}. */
  public void record(Op op, long start) {
    nanos.merge(op, System.nanoTime() - start, Long::sum);
  }

  public Map<Op, Long> nanos() {
    return nanos;
  }

  public void reset() {
    nanos.clear();
  }
}
