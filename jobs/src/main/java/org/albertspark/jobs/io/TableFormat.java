package org.albertspark.jobs.io;

import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The table formats that scoring, fine-tuning, evaluation and the baseline read, from any Hadoop
 * file system path. Every format yields a DataFrame with named columns; plain text has one column
 * {@code text}, one row per line. Values are read as strings where the format has no types (CSV,
 * TSV), so a malformed row is kept and judged by the job, never dropped by the reader.
 */
public enum TableFormat {
  /** Parquet files; columns and types as written. */
  PARQUET,
  /** One JSON object per line; a line that is not JSON is kept with all columns null. */
  JSONL,
  /** Comma-separated values with a header row. */
  CSV,
  /** Tab-separated values with a header row. */
  TSV,
  /** Plain text: one document per line, column {@code text}. */
  TEXT;

  /** The column plain text is read into. */
  public static final String TEXT_COLUMN = "text";

  /** Reads {@code path} (a file, directory or glob on any Hadoop file system). */
  public Dataset<Row> read(SparkSession spark, String path) {
    DataFrameReader r = spark.read();
    return switch (this) {
      case PARQUET -> r.parquet(path);
      case JSONL -> r.option("mode", "PERMISSIVE").json(path);
      case CSV -> delimited(r, ",").csv(path);
      // TSV has no quoting convention: a field starting with " is text (IMDB reviews do)
      case TSV -> delimited(r, "\t").option("quote", "").csv(path);
      case TEXT -> r.text(path).withColumnRenamed("value", TEXT_COLUMN);
    };
  }

  /**
   * The format a path's name says (.parquet, .jsonl/.json, .csv, .tsv, .txt, optionally followed by
   * .gz/.bz2/.zst), or empty when the name does not say (a directory, a glob, another extension).
   */
  public static Optional<TableFormat> fromPath(String path) {
    String name = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    name = name.replaceAll("\\.(gz|bz2|zst|snappy|deflate)$", "");
    if (name.endsWith(".parquet")) {
      return Optional.of(PARQUET);
    }
    if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
      return Optional.of(JSONL);
    }
    if (name.endsWith(".csv")) {
      return Optional.of(CSV);
    }
    if (name.endsWith(".tsv") || name.endsWith(".tab")) {
      return Optional.of(TSV);
    }
    if (name.endsWith(".txt")) {
      return Optional.of(TEXT);
    }
    return Optional.empty();
  }

  private static DataFrameReader delimited(DataFrameReader r, String separator) {
    return r.option("header", "true")
        .option("sep", separator)
        .option("multiLine", "false")
        .option("mode", "PERMISSIVE")
        .option("inferSchema", "false");
  }
}
