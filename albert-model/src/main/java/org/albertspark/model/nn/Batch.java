package org.albertspark.model.nn;

import java.util.Objects;
import org.albertspark.model.config.AlbertConfig;

/**
 * One batch of B sequences of length T, row-major [B, T] int arrays as HF takes them. Label arrays
 * are optional: {@code mlmLabels} [B·T] (−100 = not predicted) and {@code sopLabels} [B] for
 * pretraining; {@code labels} [B] class ids or {@code targets} [B] regression values for
 * classification. Serializable: a data-parallel step ships each worker its micro-batches.
 */
public record Batch(
    int batchSize,
    int seqLength,
    int[] inputIds,
    int[] tokenTypeIds,
    int[] attentionMask,
    int[] mlmLabels,
    int[] sopLabels,
    int[] labels,
    float[] targets)
    implements java.io.Serializable {

  public Batch {
    Objects.requireNonNull(inputIds, "inputIds");
    if (batchSize <= 0 || seqLength <= 0) {
      throw new IllegalArgumentException(
          "batch " + batchSize + " x seq " + seqLength + " is empty");
    }
    int n = batchSize * seqLength;
    requireLength("input_ids", inputIds, n);
    if (tokenTypeIds == null) {
      tokenTypeIds = new int[n];
    }
    if (attentionMask == null) {
      attentionMask = new int[n];
      java.util.Arrays.fill(attentionMask, 1);
    }
    requireLength("token_type_ids", tokenTypeIds, n);
    requireLength("attention_mask", attentionMask, n);
    if (mlmLabels != null) {
      requireLength("mlm_labels", mlmLabels, n);
    }
    if (sopLabels != null) {
      requireLength("sop_labels", sopLabels, batchSize);
    }
    if (labels != null) {
      requireLength("labels", labels, batchSize);
    }
    if (targets != null && targets.length != batchSize) {
      throw new IllegalArgumentException(
          "targets has " + targets.length + " values, expected " + batchSize);
    }
  }

  /** Inputs only (no labels). */
  public static Batch ofInputs(
      int batchSize, int seqLength, int[] inputIds, int[] tokenTypeIds, int[] attentionMask) {
    return new Batch(
        batchSize, seqLength, inputIds, tokenTypeIds, attentionMask, null, null, null, null);
  }

  private static void requireLength(String name, int[] a, int n) {
    if (a.length != n) {
      throw new IllegalArgumentException(name + " has " + a.length + " values, expected " + n);
    }
  }

  /**
   * Checks every id against the model's tables; IllegalArgumentException naming the first bad one.
   */
  public void validate(AlbertConfig config) {
    if (seqLength > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "sequence length "
              + seqLength
              + " exceeds max_position_embeddings "
              + config.maxPositionEmbeddings());
    }
    for (int i = 0; i < inputIds.length; i++) {
      check("input_ids", i, inputIds[i], 0, config.vocabSize());
      check("token_type_ids", i, tokenTypeIds[i], 0, config.typeVocabSize());
      check("attention_mask", i, attentionMask[i], 0, 2);
      if (mlmLabels != null && mlmLabels[i] != -100) {
        check("mlm_labels", i, mlmLabels[i], 0, config.vocabSize());
      }
    }
    if (sopLabels != null) {
      for (int i = 0; i < sopLabels.length; i++) {
        check("sop_labels", i, sopLabels[i], 0, 2);
      }
    }
    if (labels != null) {
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] != -100) {
          check("labels", i, labels[i], 0, config.numLabels());
        }
      }
    }
  }

  private static void check(String name, int index, int value, int from, int to) {
    if (value < from || value >= to) {
      throw new IllegalArgumentException(
          name + "[" + index + "] = " + value + " is outside [" + from + ", " + to + ")");
    }
  }
}
