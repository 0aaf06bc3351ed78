package org.albertspark.prep.mask;

import java.io.Serializable;

/** Masked-LM parameters, with ALBERT's defaults. */
public record MaskingConfig(
    double maskedLmProb,
    int maxPredictionsPerSeq,
    int ngram,
    boolean wholeWord,
    boolean favorShorterNgram)
    implements Serializable {

  public static final MaskingConfig DEFAULT = new MaskingConfig(0.15, 20, 3, true, true);

  public MaskingConfig {
    if (!(maskedLmProb >= 0 && maskedLmProb <= 1)) {
      throw new IllegalArgumentException("masked-lm-prob must be in [0, 1], got " + maskedLmProb);
    }
    if (maxPredictionsPerSeq < 0) {
      throw new IllegalArgumentException(
          "max-predictions-per-seq must be >= 0, got " + maxPredictionsPerSeq);
    }
    if (ngram < 1) {
      throw new IllegalArgumentException("ngram must be >= 1, got " + ngram);
    }
  }
}
