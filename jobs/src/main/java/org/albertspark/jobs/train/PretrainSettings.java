package org.albertspark.jobs.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.albertspark.model.config.AlbertConfig;

/**
 * What {@code albert pretrain} was asked to do.
 *
 * @param config the model config (ignored when resuming or with {@code initFrom}, whose config
 *     wins)
 * @param initFrom model directory to start from, or null for a fresh initialization
 * @param spmModel SentencePiece model copied into the output model dirs, or null for the prep
 *     manifest's
 * @param optimizer "lamb" or "adamw"
 * @param clipNorm 0 disables clipping
 * @param shuffleBuffer instances in the shuffle buffer of {@link PretrainingStream}
 * @param maxConsecutiveSkipped stop after this many non-finite steps in a row
 */
public record PretrainSettings(
    String data,
    AlbertConfig config,
    Path initFrom,
    Path spmModel,
    Path output,
    long steps,
    int globalBatch,
    int microBatch,
    int workers,
    double lr,
    long warmupSteps,
    String optimizer,
    double weightDecay,
    double clipNorm,
    long seed,
    long checkpointEvery,
    int keepCheckpoints,
    boolean resume,
    boolean overwrite,
    long logEvery,
    int shuffleBuffer,
    int maxConsecutiveSkipped) {

  /** Checks the numbers alone (no file access); IllegalArgumentException saying what to change. */
  public PretrainSettings {
    positive("--steps", steps);
    positive("--global-batch", globalBatch);
    positive("--micro-batch", microBatch);
    positive("--workers", workers);
    positive("--log-every", logEvery);
    positive("--keep-checkpoints", keepCheckpoints);
    positive("--shuffle-buffer", shuffleBuffer);
    positive("--max-consecutive-skipped", maxConsecutiveSkipped);
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException(
          "--checkpoint-every must be >= 0 (0 = only at the end), got " + checkpointEvery);
    }
    if (globalBatch % ((long) workers * microBatch) != 0) {
      throw new IllegalArgumentException(
          "--global-batch "
              + globalBatch
              + " is not divisible by --workers x --micro-batch = "
              + workers
              + " x "
              + microBatch
              + " = "
              + (long) workers * microBatch
              + "; change one of them (e.g. --global-batch "
              + (globalBatch / ((long) workers * microBatch) + 1) * workers * microBatch
              + ")");
    }
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("--lr must be finite and > 0, got " + lr);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("--warmup-steps must be >= 0, got " + warmupSteps);
    }
    if (!optimizer.equals("lamb") && !optimizer.equals("adamw")) {
      throw new IllegalArgumentException("--optimizer must be lamb or adamw, got " + optimizer);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("--weight-decay must be finite and >= 0");
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("--clip-norm must be finite and >= 0 (0 = off)");
    }
  }

  private static void positive(String flag, long v) {
    if (v < 1) {
      throw new IllegalArgumentException(flag + " must be >= 1, got " + v);
    }
  }

  /**
   * The settings that fix the trained parameters, saved in every checkpoint: a resumed run must
   * give the same ones (the worker count, logging and checkpointing may change).
   */
  public Map<String, String> fingerprint() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("data", data);
    m.put("steps", Long.toString(steps));
    m.put("global_batch", Integer.toString(globalBatch));
    m.put("micro_batch", Integer.toString(microBatch));
    m.put("lr", Double.toString(lr));
    m.put("warmup_steps", Long.toString(warmupSteps));
    m.put("optimizer", optimizer);
    m.put("weight_decay", Double.toString(weightDecay));
    m.put("clip_norm", Double.toString(clipNorm));
    m.put("seed", Long.toString(seed));
    m.put("shuffle_buffer", Integer.toString(shuffleBuffer));
    return m;
  }
}
