package org.albertspark.jobs.io;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The table formats that scoring, fine-tuning, evaluation and the baseline read, from any Hadoop
 * file system path. Every format yields a DataFrame with named columns; plain text has two columns,
 * {@code line} (the 1-based line number, an id that says where the row came from) and {@code text},
 * one row per line in file order. Values are read as strings where the format has no types (CSV,
 * TSV), so a malformed row is kept and judged by the job, never dropped by the reader.
 */
public enum TableFormat {
  /** Parquet files; columns and types as written. */
  PARQUET,
  /** One JSON object per line; a line that is not JSON is kept with all columns null. */
  JSONL,
  /** Comma-separated values with a header row. */
  CSV,
  /** Tab-separated values with a header row; fields are not quoted (a " is text). */
  TSV,
  /** Plain text: one document per line, columns {@code line} (1-based, long) and {@code text}. */
  TEXT;

  /** The column plain text is read into. */
  public static final String TEXT_COLUMN = "text";

  /** The line-number column of plain text. */
  public static final String LINE_COLUMN = "line";

  /** Reads {@code path} (a file, directory or glob on any Hadoop file system). */
  public Dataset<Row> read(SparkSession spark, String path) {
    DataFrameReader r = spark.read();
    return switch (this) {
      case PARQUET -> r.parquet(path);
      case JSONL -> r.option("mode", "PERMISSIVE").json(path);
      case CSV -> delimited(r, ",").csv(path);
      // TSV has no quoting convention: a field starting with " is text (IMDB reviews do)
      case TSV -> delimited(r, "\t").option("quote", "").csv(path);
      case TEXT -> numberedLines(spark, path);
    };
  }

  /**
   * Lines with their 1-based numbers across the files in path order (one extra pass counts the
   * lines of each split, as zipWithIndex does).
   */
  private static Dataset<Row> numberedLines(SparkSession spark, String path) {
    // Hadoop's text input keeps files and splits in path order (the DataFrame reader sorts files
    // by size), so line numbers follow the files as named.
    JavaRDD<Row> rows =
        spark
            .sparkContext()
            .textFile(path, spark.sparkContext().defaultMinPartitions())
            .toJavaRDD()
            .zipWithIndex()
            .map(t -> RowFactory.create(t._2() + 1, t._1()));
    StructType schema =
        new StructType()
            .add(LINE_COLUMN, DataTypes.LongType, false)
            .add(TEXT_COLUMN, DataTypes.StringType, true);
    return spark.createDataFrame(rows, schema);
  }

  /** The format a path's name suggests (.parquet, .jsonl/.json, .csv, .tsv, .txt), else empty. */
  public static java.util.Optional<TableFormat> fromExtension(String path) {
    String name = path.toLowerCase(java.util.Locale.ROOT).replaceAll("\\.(gz|bz2|zst|snappy)$", "");
    if (name.endsWith(".parquet")) {
      return java.util.Optional.of(PARQUET);
    } else if (name.endsWith(".jsonl") || name.endsWith(".json")) {
      return java.util.Optional.of(JSONL);
    } else if (name.endsWith(".csv")) {
      return java.util.Optional.of(CSV);
    } else if (name.endsWith(".tsv")) {
      return java.util.Optional.of(TSV);
    } else if (name.endsWith(".txt")) {
      return java.util.Optional.of(TEXT);
    }
    return java.util.Optional.empty();
  }

  private static DataFrameReader delimited(DataFrameReader r, String separator) {
    return r.option("header", "true")
        .option("sep", separator)
        .option("multiLine", "false")
        .option("mode", "PERMISSIVE")
        .option("inferSchema", "false");
  }
}
