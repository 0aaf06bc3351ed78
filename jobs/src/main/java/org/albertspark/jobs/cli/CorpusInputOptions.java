package org.albertspark.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import org.albertspark.prep.corpus.CorpusFormat;
import picocli.CommandLine.Option;

/**
 * The corpus-input flags of the commands that read a corpus with {@code CorpusReader} ({@code
 * albert prep}, {@code albert train-vocab}); used with {@code @Mixin}.
 */
public final class CorpusInputOptions {

  @Option(
      names = "--input",
      required = true,
      split = ",",
      paramLabel = "PATH",
      description =
          "Input files, directories (recursive; names starting with _ or . skipped) or globs on any "
              + "Hadoop file system (file://, hdfs://, s3a://); repeatable or comma-separated; .gz/.bz2 are "
              + "decompressed.")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--format",
      defaultValue = "text",
      paramLabel = "FORMAT",
      description =
          "text: one sentence per line, blank line between documents (BERT convention); lines: one "
              + "document per line; jsonl: a string field per line; tsv: a column of a tab-separated file with a "
              + "header row; parquet: a string column. lines/jsonl/tsv/parquet are split into sentences with "
              + "java.text.BreakIterator (default: ${DEFAULT-VALUE}).")
  CorpusFormat format;

  @Option(
      names = "--text-field",
      defaultValue = "text",
      paramLabel = "NAME",
      description =
          "jsonl field / tsv or parquet column holding the text (default: ${DEFAULT-VALUE}).")
  String textField;
}
