package org.albertspark.jobs.score;

import java.io.Serializable;
import org.albertspark.model.config.AlbertConfig;

/**
 * How documents are scored.
 *
 * @param maxSeqLength window length in tokens, [CLS] and [SEP] included; 0 = the model's
 *     max_position_embeddings
 * @param stride tokens shared by consecutive windows of a long document
 * @param aggregate how window logits combine into a document's
 * @param batchTokens token budget of one forward pass (rows × padded length)
 * @param threshold multi-label models: a label is predicted when its probability is at least this
 * @param maxWindows the most windows scored per document, its first ones (0 = every window); a
 *     document with more is marked truncated in its result, never cut silently
 */
public record ScoringOptions(
    int maxSeqLength,
    int stride,
    Aggregation aggregate,
    int batchTokens,
    double threshold,
    int maxWindows)
    implements Serializable {

  /**
   * The stride of {@code albert score} (64), or half a window's content when 64 does not fit a
   * window of {@code maxSeqLength} (stride must stay below maxSeqLength − 2).
   */
  public static int defaultStride(int maxSeqLength) {
    return 64 < maxSeqLength - 2 ? 64 : Math.max(0, (maxSeqLength - 2) / 2);
  }

  /**
   * The defaults of {@code albert score} for windows of {@code maxSeqLength} tokens: {@link
   * #defaultStride}, mean, 4,096-token batches (at least one window), threshold 0.5, every window.
   */
  public static ScoringOptions defaults(int maxSeqLength) {
    return new ScoringOptions(
        maxSeqLength,
        defaultStride(maxSeqLength),
        Aggregation.MEAN,
        Math.max(4096, maxSeqLength),
        0.5,
        0);
  }

  /** The window length for {@code config}: maxSeqLength, or max_position_embeddings when 0. */
  public int windowLength(AlbertConfig config) {
    return maxSeqLength == 0 ? config.maxPositionEmbeddings() : maxSeqLength;
  }

  /** IllegalArgumentException naming every option that does not fit {@code config}. */
  public void check(AlbertConfig config) {
    StringBuilder problems = new StringBuilder();
    int len = windowLength(config);
    if (len < 3 || len > config.maxPositionEmbeddings()) {
      problems.append(
          "; max-seq-length "
              + len
              + " must be in [3, "
              + config.maxPositionEmbeddings()
              + "] (the model's max_position_embeddings)");
    } else if (stride < 0 || stride >= len - 2) {
      problems.append(
          "; stride " + stride + " must be in [0, max-seq-length − 2 = " + (len - 2) + ")");
    }
    if (batchTokens < len) {
      problems.append("; batch-tokens " + batchTokens + " must be at least max-seq-length " + len);
    }
    if (maxWindows < 0) {
      problems.append("; max-windows " + maxWindows + " must be >= 0 (0 = no limit)");
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      problems.append("; threshold " + threshold + " must be in [0, 1]");
    }
    if (problems.length() > 0) {
      throw new IllegalArgumentException(problems.substring(2));
    }
  }
}
