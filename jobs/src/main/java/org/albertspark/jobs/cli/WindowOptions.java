package org.albertspark.jobs.cli;

import org.albertspark.jobs.score.Aggregation;
import org.albertspark.jobs.score.ScoringOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How long documents are cut into windows and batched ({@code albert score}, {@code albert eval}):
 * both commands score through the same {@link org.albertspark.jobs.score.DocumentScorer}; used with
 * {@code @Mixin}.
 */
public final class WindowOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--stride",
      paramLabel = "N",
      description =
          "Tokens shared by consecutive windows of a long document (default: 64, or (T-2)/2 for "
              + "--max-seq-length T <= 66).")
  Integer stride; // null: ScoringOptions.defaultStride

  @Option(
      names = "--aggregate",
      defaultValue = "mean",
      paramLabel = "HOW",
      description = "How window logits combine: mean, max or first (default: ${DEFAULT-VALUE}).")
  Aggregation aggregate;

  @Option(
      names = "--batch-tokens",
      defaultValue = "4096",
      paramLabel = "N",
      description =
          "Token budget of one forward pass, rows x padded length; bounds a task's working memory "
              + "(about 120 KB per token for ALBERT-base) (default: ${DEFAULT-VALUE}).")
  int batchTokens;

  @Option(
      names = "--max-windows",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Score at most the first N windows of a document and mark it truncated (default: 0 = "
              + "every window: time grows linearly with the document, about 5,000 windows of 512 "
              + "for a 10 MB text).")
  int maxWindows;

  /**
   * The scoring options with these flags; a usage error when one is out of range (the model's
   * limits are checked once it is read, see {@link ScoringOptions#check}).
   */
  ScoringOptions options(int maxSeqLength, double threshold) {
    int s =
        stride != null
            ? stride
            : maxSeqLength == 0 ? 64 : ScoringOptions.defaultStride(maxSeqLength);
    if (maxSeqLength < 0 || s < 0 || maxWindows < 0 || batchTokens <= 0) {
      throw new ParameterException(
          mixee.commandLine(),
          "--max-seq-length, --stride and --max-windows must be >= 0, --batch-tokens > 0");
    }
    return new ScoringOptions(maxSeqLength, s, aggregate, batchTokens, threshold, maxWindows);
  }
}
