package org.albertspark.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unhex;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.albertspark.jobs.cluster.MemoryPeak;
import org.albertspark.jobs.cluster.MemoryPeakAccumulator;
import org.albertspark.jobs.io.TableFormat;
import org.albertspark.jobs.ml.AlbertClassificationModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The {@code albert score} job: reads a table, scores every row with a classification model, writes
 * Parquet with the id, the kept columns, the score columns and {@code text_sha256}, then {@code
 * _SUMMARY.json} beside it. Exactly one output row per input row, in input order.
 */
public final class ScoreJob {

  /**
   * Output column: SHA-256 (hex) of the text (with a text pair: of text, U+0000, pair), what
   * incremental runs compare.
   */
  public static final String TEXT_HASH = "text_sha256";

  /** The summary written beside the output. */
  public static final String SUMMARY = "_SUMMARY.json";

  private static final String ORDER = "__albert_row_order";
  private static final String PREV = "__albert_prev_";

  /**
   * What to score and how.
   *
   * @param idCol null: {@code line} for text input, else {@code id}
   * @param textPairCol the second text's column for sentence pairs, or null
   * @param previous an earlier output to carry unchanged rows forward from, or null
   * @param partitions 0 = as the input is split; else that many, in input order
   */
  public record Config(
      String model,
      String input,
      TableFormat format,
      String idCol,
      String textCol,
      String textPairCol,
      String output,
      boolean overwrite,
      List<String> keepCols,
      String previous,
      ScoringOptions options,
      int partitions) {

    public String idColumn() {
      if (idCol != null) {
        return idCol;
      }
      return format == TableFormat.TEXT ? TableFormat.LINE_COLUMN : "id";
    }
  }

  private ScoreJob() {}

  /**
   * Runs the job; returns the summary. IllegalArgumentException for bad input (missing columns, an
   * existing output, a model that is not a classifier), before any scoring.
   */
  public static ObjectNode run(
      SparkSession spark, Config cfg, Consumer<String> log, Duration progressEvery)
      throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path out = new Path(cfg.output());
    FileSystem outFs = out.getFileSystem(conf);
    if (outFs.exists(out) && !cfg.overwrite()) {
      throw new IllegalArgumentException(cfg.output() + " exists; use --overwrite to replace it");
    }
    if (cfg.previous() != null
        && outFs.makeQualified(out).equals(qualified(cfg.previous(), conf))) {
      throw new IllegalArgumentException(
          "--previous must differ from --output (the output is replaced while it is read)");
    }

    AlbertClassificationModel model = new AlbertClassificationModel(cfg.model());
    ScoringOptions o = cfg.options();
    model
        .setTextCol(cfg.textCol())
        .setTextPairCol(cfg.textPairCol())
        .setMaxSeqLength(o.maxSeqLength())
        .setStride(o.stride())
        .setAggregate(o.aggregate().name().toLowerCase(java.util.Locale.ROOT))
        .setBatchTokens(o.batchTokens())
        .setThreshold(o.threshold())
        .setMaxWindows(o.maxWindows());
    ModelIdentity identity = model.identity(conf);

    Dataset<Row> input = cfg.format().read(spark, cfg.input());
    String id = cfg.idColumn();
    List<String> columns = Arrays.asList(input.columns());
    Set<String> keep = new LinkedHashSet<>(cfg.keepCols());
    keep.remove(id);
    List<String> missing = new ArrayList<>();
    List<String> texts =
        cfg.textPairCol() == null
            ? List.of(cfg.textCol())
            : List.of(cfg.textCol(), cfg.textPairCol());
    for (String c : concat(concat(List.of(id), texts), keep)) {
      if (!columns.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          cfg.input() + " has no column(s) " + missing + "; its columns are " + columns);
    }
    List<String> scoreCols = concat(model.outputCols(), List.of(TEXT_HASH));
    for (String k : keep) {
      if (scoreCols.contains(k)) {
        throw new IllegalArgumentException(
            "--keep-cols " + k + " clashes with an output column of the same name");
      }
    }
    model.transformSchema(input.schema()); // bad text column: an error now, not in a task

    if (cfg.partitions() > 0) {
      // Range-partitioned on the input order, then sorted within: the same order, N tasks.
      input =
          input
              .withColumn(ORDER, monotonically_increasing_id())
              .repartitionByRange(cfg.partitions(), col(ORDER))
              .sortWithinPartitions(ORDER)
              .drop(ORDER);
    }
    List<String> inCols = concat(concat(List.of(id), keep), texts);
    Column hashed =
        cfg.textPairCol() == null
            ? col(cfg.textCol()).cast("binary")
            : org.apache.spark.sql.functions.concat(
                col(cfg.textCol()).cast("binary"),
                unhex(lit("00")),
                col(cfg.textPairCol()).cast("binary"));
    Dataset<Row> docs =
        input
            .select(inCols.stream().distinct().map(c -> col(c)).toArray(Column[]::new))
            .withColumn(TEXT_HASH, sha2(hashed, 256));
    List<String> outCols =
        concat(concat(List.of(id), keep), concat(model.outputCols(), List.of(TEXT_HASH)));
    Column[] outSelect = outCols.stream().map(c -> col(c)).toArray(Column[]::new);

    long rowsIn = docs.count();
    log.accept(
        String.format(
            "scoring %,d rows of %s with %s (%s)", rowsIn, cfg.input(), identity.label(), o));
    LongAccumulator scoredNow = spark.sparkContext().longAccumulator("albert score rows");
    model.setProgressCounter(scoredNow);
    MemoryPeakAccumulator memory = new MemoryPeakAccumulator();
    spark.sparkContext().register(memory, "albert score memory");
    model.setMemoryPeak(memory);

    Dataset<Row> result;
    Dataset<Row> carried = null;
    if (cfg.previous() == null) {
      result = model.transform(docs).select(outSelect);
    } else {
      Dataset<Row> prev = previousScores(spark, cfg.previous(), id, identity);
      Dataset<Row> joined =
          docs.withColumn(ORDER, monotonically_increasing_id())
              .join(
                  prev,
                  col(id).equalTo(col(PREV + "id")).and(col(TEXT_HASH).equalTo(col(PREV + "hash"))),
                  "left");
      carried = joined.filter(col(PREV + "id").isNotNull());
      Column[] carriedCols =
          outCols.stream()
              .map(
                  c ->
                      model.outputCols().contains(c) && !c.equals(model.getModelCol())
                          ? col(PREV + c).as(c)
                          : c.equals(model.getModelCol()) ? lit(identity.label()).as(c) : col(c))
              .toArray(Column[]::new);
      Dataset<Row> fresh =
          joined
              .filter(col(PREV + "id").isNull())
              .select(
                  concat(inCols.stream().distinct().toList(), List.of(TEXT_HASH, ORDER)).stream()
                      .map(c -> col(c))
                      .toArray(Column[]::new));
      Dataset<Row> scored =
          model
              .transform(fresh)
              .select(concat(Arrays.asList(outSelect), List.of(col(ORDER))).toArray(Column[]::new));
      result =
          carried
              .select(
                  concat(Arrays.asList(carriedCols), List.of(col(ORDER))).toArray(Column[]::new))
              .unionByName(scored)
              .orderBy(ORDER)
              .drop(ORDER);
    }

    long t0 = System.nanoTime();
    try (ScoreProgress progress =
        new ScoreProgress(spark.sparkContext(), scoredNow, rowsIn, progressEvery, log)) {
      result
          .write()
          .mode(cfg.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
          .parquet(cfg.output());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    ObjectNode summary =
        summarize(
            spark,
            cfg,
            identity,
            model,
            id,
            rowsIn,
            carried == null ? 0 : carried.count(),
            seconds,
            memory.value());
    writeSummary(outFs, new Path(out, SUMMARY), summary);
    return summary;
  }

  /**
   * Scored rows of an earlier output by the same model (content hash), one per id and text. Rows
   * cut at max-windows are scored again (this run's limit may differ); an output written before the
   * truncated column existed has none.
   */
  private static Dataset<Row> previousScores(
      SparkSession spark, String previous, String id, ModelIdentity identity) {
    AlbertClassificationModel names = new AlbertClassificationModel("unused");
    String truncated = names.getTruncatedCol();
    Dataset<Row> prev = spark.read().parquet(previous);
    if (!Arrays.asList(prev.columns()).contains(truncated)) {
      prev = prev.withColumn(truncated, lit(false));
    }
    List<String> need = concat(concat(List.of(id), names.outputCols()), List.of(TEXT_HASH));
    List<String> have = Arrays.asList(prev.columns());
    List<String> lacking = need.stream().filter(c -> !have.contains(c)).toList();
    if (!lacking.isEmpty()) {
      throw new IllegalArgumentException(
          "--previous " + previous + " is not an albert score output: it lacks " + lacking);
    }
    List<Column> cols = new ArrayList<>();
    cols.add(col(id).as(PREV + "id"));
    cols.add(col(TEXT_HASH).as(PREV + "hash"));
    for (String c : names.outputCols()) {
      cols.add(col(c).as(PREV + c));
    }
    return prev.filter(
            col(names.getErrorCol())
                .isNull()
                .and(col(truncated).equalTo(false))
                .and(
                    substring_index(col(names.getModelCol()), "@", -1)
                        .equalTo(identity.contentHash())))
        .select(cols.toArray(Column[]::new))
        .dropDuplicates(PREV + "id", PREV + "hash");
  }

  private static ObjectNode summarize(
      SparkSession spark,
      Config cfg,
      ModelIdentity identity,
      AlbertClassificationModel model,
      String id,
      long rowsIn,
      long skipped,
      double seconds,
      MemoryPeak.Sample memory) {
    Dataset<Row> written = spark.read().parquet(cfg.output());
    String error = model.getErrorCol();
    Row totals =
        written
            .agg(
                count(lit(1)),
                count(when(col(error).isNull(), 1)),
                sum(col(model.getWindowsCol())),
                count(when(col(model.getTruncatedCol()), 1)))
            .first();
    long rowsOut = totals.getLong(0);
    ObjectNode s = new ObjectMapper().createObjectNode();
    s.put("model", identity.label());
    s.put("model_dir", identity.dir());
    s.put("input", cfg.input());
    s.put("output", cfg.output());
    s.put("rows_in", rowsIn);
    s.put("rows_out", rowsOut);
    s.put("scored", totals.getLong(1));
    s.put("skipped", skipped);
    s.put("errors", rowsOut - totals.getLong(1));
    s.put("truncated", totals.getLong(3));
    ObjectNode reasons = s.putObject("errors_by_reason");
    for (Row r :
        written
            .filter(col(error).isNotNull())
            .groupBy(substring_index(col(error), ":", 1).as("reason"))
            .count()
            .orderBy("reason")
            .collectAsList()) {
      reasons.put(r.getString(0), r.getLong(1));
    }
    s.put("windows", totals.isNullAt(2) ? 0 : totals.getLong(2));
    Row dup = written.groupBy(col(id)).count().filter(col("count").gt(1)).agg(sum("count")).first();
    s.put("rows_with_duplicate_ids", dup.isNullAt(0) ? 0 : dup.getLong(0));
    s.put("seconds", Math.round(seconds * 10) / 10.0);
    s.put("docs_per_second", Math.round((rowsOut - skipped) / Math.max(seconds, 1e-9) * 10) / 10.0);
    // the largest over the scoring JVMs (0 when every row was carried forward): what
    // spark.executor.memoryOverhead must cover, as the training jobs report it
    s.put("worker_peak_offheap_bytes", memory.offHeapBytes());
    s.put("worker_peak_rss_bytes", memory.rssBytes());
    ObjectNode opts = s.putObject("options");
    opts.put("max_seq_length", cfg.options().maxSeqLength());
    opts.put("stride", cfg.options().stride());
    opts.put("aggregate", cfg.options().aggregate().name().toLowerCase(java.util.Locale.ROOT));
    opts.put("batch_tokens", cfg.options().batchTokens());
    opts.put("threshold", cfg.options().threshold());
    opts.put("max_windows", cfg.options().maxWindows());
    if (cfg.textPairCol() != null) {
      opts.put("text_pair_col", cfg.textPairCol());
    }
    if (rowsOut != rowsIn) {
      throw new IllegalStateException(
          "wrote " + rowsOut + " rows for " + rowsIn + " input rows; the output is incomplete");
    }
    return s;
  }

  private static void writeSummary(FileSystem fs, Path file, ObjectNode summary)
      throws IOException {
    byte[] json =
        (new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary)
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    try (OutputStream o = fs.create(file, true)) {
      o.write(json);
    }
  }

  private static Path qualified(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(conf).makeQualified(p);
  }

  private static <T> List<T> concat(java.util.Collection<T> a, java.util.Collection<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
