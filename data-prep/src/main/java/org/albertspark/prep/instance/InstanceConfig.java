package org.albertspark.prep.instance;

import java.io.Serializable;

/**
 * Parameters of instance creation ({@code create_instances_from_document}).
 *
 * @param maxSeqLength hard limit on [CLS] A [SEP] B [SEP]
 * @param shortSeqProb probability that a document pass targets a random shorter length
 * @param randomNextSentence BERT-style NSP (B from a random other document with p = 0.5) instead of
 *     ALBERT's sentence-order prediction (A and B swapped with p = 0.5)
 */
public record InstanceConfig(int maxSeqLength, double shortSeqProb, boolean randomNextSentence)
    implements Serializable {

  public InstanceConfig {
    if (maxSeqLength < 5) {
      throw new IllegalArgumentException(
          "max-seq-length must be >= 5 ([CLS] A [SEP] B [SEP] with A and B non-empty), got "
              + maxSeqLength);
    }
    if (!(shortSeqProb >= 0 && shortSeqProb <= 1)) {
      throw new IllegalArgumentException("short-seq-prob must be in [0, 1], got " + shortSeqProb);
    }
  }

  public int maxNumTokens() {
    return maxSeqLength - 3;
  }
}
