package org.albertspark.jobs.cli;

import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.io.TableFormat;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The flags saying how labelled tables are read ({@code albert finetune}, {@code albert eval},
 * {@code albert baseline}); used with {@code @Mixin}.
 */
public final class LabelledDataOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "parquet, jsonl, csv or tsv (header row; TSV fields unquoted); .gz/.bz2 are decompressed "
              + "(default: from the file name, e.g. train.tsv.gz is tsv).")
  TableFormat format;

  @Option(
      names = "--text-col",
      defaultValue = "text",
      paramLabel = "NAME",
      description = "Column holding the text (default: ${DEFAULT-VALUE}).")
  String textCol;

  @Option(
      names = "--text-pair-col",
      paramLabel = "NAME",
      description = "Column holding a second text, for sentence-pair tasks (default: none).")
  String textPairCol;

  @Option(
      names = "--label-col",
      defaultValue = "label",
      paramLabel = "NAME",
      description =
          "Column holding the label, strings or integers, any number of classes "
              + "(default: ${DEFAULT-VALUE}).")
  String labelCol;

  LabelledData.Columns columns() {
    return new LabelledData.Columns(textCol, textPairCol, labelCol);
  }

  /** --format, else the format {@code path}'s name says; a usage error when neither says. */
  TableFormat formatOf(String path) {
    if (format != null) {
      return format;
    }
    return TableFormat.fromExtension(path)
        .orElseThrow(
            () ->
                new ParameterException(
                    mixee.commandLine(),
                    "cannot tell the format of " + path + " from its name: give --format"));
  }

  /** Reads and checks one labelled table (see {@link LabelledData#read}). */
  LabelledData read(SparkSession spark, String path) {
    return LabelledData.read(spark, path, formatOf(path), columns());
  }
}
