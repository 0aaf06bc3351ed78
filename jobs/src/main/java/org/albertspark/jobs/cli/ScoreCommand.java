package org.albertspark.jobs.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.jobs.io.TableFormat;
import org.albertspark.jobs.score.ScoreJob;
import org.albertspark.jobs.score.ScoringOptions;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code albert score}: batch scoring of a document table with a classification model. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Score every document of a table with a fine-tuned ALBERT classifier; write Parquet.",
      "Reads Parquet, JSON Lines, CSV/TSV (header row) or plain text (one document per line, id = "
          + "line number) from any Hadoop file system path. Writes one row per input row, in input "
          + "order: the id column, --keep-cols, prediction (label name from id2label), confidence, "
          + "probabilities (label -> probability), windows, error (null when scored), model (name@hash "
          + "of the model files), truncated and text_sha256 (of the text, or of text, U+0000 and "
          + "pair with --text-pair-col); then _SUMMARY.json beside the Parquet files.",
      "A document longer than --max-seq-length is scored in windows overlapping by --stride tokens "
          + "whose logits are aggregated, never truncated silently: with --max-windows N only a "
          + "document's first N windows are scored and its truncated column is true (the "
          + "column is false for every other scored row, null for errors). With --text-pair-col a "
          + "row's first window is fine-tuning's encoding of the pair and a second text cut there "
          + "goes on in further windows (truncated when the first text was cut). Rows whose text (or second text) "
          + "is null, empty, blank, not valid UTF-8 or gives no tokens get an error and no "
          + "prediction. Multi-label models "
          + "(problem_type multi_label_classification) predict every label at or above --threshold.",
      "Incremental: with --previous, rows whose id and text hash were scored by the same model "
          + "(content hash) in that earlier output are carried forward instead of scored again.",
    })
public final class ScoreCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "HF classification model directory (config.json naming AlbertForSequenceClassification, "
              + "model.safetensors, spiece.model), on any Hadoop file system.")
  String model;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "PATH",
      description = "Input file, directory or glob (any Hadoop file system).")
  String input;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "parquet, jsonl, csv, tsv or text (default: from the --input name's extension, else parquet).")
  TableFormat format;

  @Option(
      names = "--id-col",
      paramLabel = "COL",
      description = "Id column, written as it is (default: line for text input, else id).")
  String idCol;

  @Option(
      names = "--text-col",
      defaultValue = "text",
      paramLabel = "COL",
      description = "Text column (default: ${DEFAULT-VALUE}).")
  String textCol;

  @Option(
      names = "--text-pair-col",
      paramLabel = "COL",
      description =
          "Second text column, for a model fine-tuned on sentence pairs (albert finetune "
              + "--text-pair-col): each row is encoded as fine-tuning encodes a pair, [CLS] text "
              + "[SEP] pair [SEP] cut longest-first to --max-seq-length; a second text cut there goes "
              + "on in windows overlapping by min(--stride, half its room), behind the same first "
              + "text (truncated when the first text was cut); a null or blank second text is an error row (default: none).")
  String textPairCol;

  @Option(
      names = "--keep-cols",
      split = ",",
      paramLabel = "COL",
      description = "Input columns to carry into the output, comma-separated.")
  List<String> keepCols = List.of();

  @Mixin OutputOptions outputOptions;

  @Option(
      names = "--previous",
      paramLabel = "DIR",
      description =
          "An earlier albert score output: rows with the same id, text and model are carried forward.")
  String previous;

  @Option(
      names = "--max-seq-length",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Window length in tokens, [CLS] and [SEP] included (default: 0 = the model's "
              + "max_position_embeddings).")
  int maxSeqLength;

  @Mixin WindowOptions windows;

  @Option(
      names = "--threshold",
      defaultValue = "0.5",
      paramLabel = "P",
      description =
          "Multi-label models: predict labels with probability >= P (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Mixin ProgressInterval progressInterval;

  @Mixin Progress progress;

  @Mixin SparkOptions sparkOptions;

  @Override
  public Integer call() throws Exception {
    Duration progressEvery = progressInterval.every();
    ScoringOptions options = windows.options(maxSeqLength, threshold);
    TableFormat fmt =
        format != null ? format : TableFormat.fromExtension(input).orElse(TableFormat.PARQUET);
    ScoreJob.Config cfg =
        new ScoreJob.Config(
            model,
            input,
            fmt,
            idCol,
            textCol,
            textPairCol,
            outputOptions.output,
            outputOptions.overwrite,
            keepCols,
            previous,
            options,
            sparkOptions.partitions);
    ObjectNode s;
    try (SparkSession spark = sparkOptions.session("albert score")) {
      s = ScoreJob.run(spark, cfg, progress, progressEvery);
    } catch (Exception e) {
      // a missing input path or column (Spark's AnalysisException), a model directory without
      // its files: bad input, exit 2
      if (e instanceof org.apache.spark.sql.AnalysisException
          || (e instanceof java.io.UncheckedIOException
              && e.getCause() instanceof java.nio.file.NoSuchFileException)) {
        throw new UsageException(e.getMessage(), e);
      }
      throw e;
    }
    spec.commandLine()
        .getOut()
        .printf(
            "scored %s: rows in %d, out %d; scored %d (truncated at --max-windows %d),"
                + " skipped (unchanged) %d, errors %d %s; windows %d; %.1f docs/s over %.1f s; worker peak off-heap %,d MB, RSS %,d MB;"
                + " wrote %s (summary in %s)%n",
            s.path("model").asText(),
            s.path("rows_in").asLong(),
            s.path("rows_out").asLong(),
            s.path("scored").asLong(),
            s.path("truncated").asLong(),
            s.path("skipped").asLong(),
            s.path("errors").asLong(),
            s.path("errors_by_reason"),
            s.path("windows").asLong(),
            s.path("docs_per_second").asDouble(),
            s.path("seconds").asDouble(),
            s.path("worker_peak_offheap_bytes").asLong() >> 20,
            s.path("worker_peak_rss_bytes").asLong() >> 20,
            outputOptions.output,
            ScoreJob.SUMMARY);
    return AlbertCli.EXIT_OK;
  }
}
