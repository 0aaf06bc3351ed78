package org.albertspark.jobs.classify;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.albertspark.jobs.io.TableFormat;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A labelled table read for fine-tuning, evaluation or the baseline: a text column, an optional
 * second text column (sentence pairs) and a label column of strings or integers, any number of
 * classes. Reading validates the columns and counts, in one pass, the rows that cannot be used — a
 * missing or blank text, text pair or label — and the rows of each label, before any expensive
 * work. Unusable rows are skipped and reported, never dropped silently.
 *
 * <p>{@link #rows()} has the columns {@link #TEXT}, {@link #TEXT_PAIR} (null without a pair column)
 * and {@link #LABEL} (the label as a string), usable rows only.
 */
public final class LabelledData {

  public static final String TEXT = "text";
  public static final String TEXT_PAIR = "text_pair";
  public static final String LABEL = "label";

  /** Which input columns hold the text, the optional text pair, and the label. */
  public record Columns(String text, String textPair, String label) {
    public Columns {
      if (text == null || text.isEmpty() || label == null || label.isEmpty()) {
        throw new IllegalArgumentException("text and label column names must be given");
      }
      if (textPair != null && textPair.isEmpty()) {
        textPair = null;
      }
    }
  }

  /** What reading found: row counts, unusable rows by reason, rows per label. */
  public record Report(
      String path,
      long rows,
      long missingText,
      long missingTextPair,
      long missingLabel,
      long skipped,
      Map<String, Long> labelCounts) {

    public long usable() {
      return rows - skipped;
    }

    /** One line: rows read, usable, skipped by reason, classes. */
    public String summary() {
      StringBuilder sb =
          new StringBuilder(String.format("%s: %,d rows, %,d usable", path, rows, usable()));
      if (skipped > 0) {
        List<String> why = new ArrayList<>();
        if (missingText > 0) {
          why.add(String.format("%,d missing or blank text", missingText));
        }
        if (missingTextPair > 0) {
          why.add(String.format("%,d missing or blank text pair", missingTextPair));
        }
        if (missingLabel > 0) {
          why.add(String.format("%,d missing or blank label", missingLabel));
        }
        sb.append(String.format(", %,d skipped (%s)", skipped, String.join(", ", why)));
      }
      sb.append(String.format(", %d classes", labelCounts.size()));
      return sb.toString();
    }
  }

  private final Columns columns;
  private final Dataset<Row> rows;
  private final Report report;

  private LabelledData(Columns columns, Dataset<Row> rows, Report report) {
    this.columns = columns;
    this.rows = rows;
    this.report = report;
  }

  /**
   * Reads {@code path} in {@code format} and counts what is usable. IllegalArgumentException when a
   * column is missing (naming the columns there are) or no row is usable.
   */
  public static LabelledData read(
      SparkSession spark, String path, TableFormat format, Columns columns) {
    return of(format.read(spark, path), path, columns);
  }

  /**
   * The same checks and counts on a DataFrame already at hand ({@code path} names it in messages).
   */
  public static LabelledData of(Dataset<Row> raw, String path, Columns columns) {
    List<String> have = Arrays.asList(raw.columns());
    List<String> missing = new ArrayList<>();
    for (String c : new String[] {columns.text(), columns.textPair(), columns.label()}) {
      if (c != null && !have.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          path
              + " has no column "
              + String.join(", ", missing)
              + "; its columns are: "
              + String.join(", ", have));
    }
    Column text = col(quoted(columns.text())).cast("string");
    Column pair =
        columns.textPair() == null
            ? lit(null).cast("string")
            : col(quoted(columns.textPair())).cast("string");
    Column label = trim(col(quoted(columns.label())).cast("string"));
    Dataset<Row> selected =
        raw.select(text.as(TEXT), pair.as(TEXT_PAIR), label.as(LABEL))
            .withColumn("_no_text", blank(col(TEXT)))
            .withColumn("_no_pair", columns.textPair() == null ? lit(false) : blank(col(TEXT_PAIR)))
            .withColumn("_no_label", blank(col(LABEL)));

    // one pass: rows per (label, reasons)
    List<Row> groups =
        selected
            .groupBy(col(LABEL), col("_no_text"), col("_no_pair"), col("_no_label"))
            .count()
            .collectAsList();
    long rows = 0, noText = 0, noPair = 0, noLabel = 0, skipped = 0;
    Map<String, Long> perLabel = new TreeMap<>();
    for (Row g : groups) {
      long n = g.getLong(4);
      boolean t = g.getBoolean(1), p = g.getBoolean(2), l = g.getBoolean(3);
      rows += n;
      noText += t ? n : 0;
      noPair += p ? n : 0;
      noLabel += l ? n : 0;
      if (t || p || l) {
        skipped += n;
      } else {
        perLabel.merge(g.getString(0), n, Long::sum);
      }
    }
    Report report = new Report(path, rows, noText, noPair, noLabel, skipped, perLabel);
    if (report.usable() == 0) {
      throw new IllegalArgumentException(
          rows == 0 ? path + ": no rows" : report.summary() + ": no usable row");
    }
    Dataset<Row> usable =
        selected
            .filter(col("_no_text").or(col("_no_pair")).or(col("_no_label")).unary_$bang())
            .select(TEXT, TEXT_PAIR, LABEL);
    return new LabelledData(columns, usable, report);
  }

  /** Null, empty or whitespace only. */
  private static Column blank(Column c) {
    return when(c.isNull(), lit(true)).otherwise(trim(c).equalTo(lit("")));
  }

  /** A column name as Spark parses it: backquoted, so dots and spaces are literal. */
  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** The labels of the usable rows, as a classifier's classes; at least two. */
  public LabelSet labelSet() {
    if (report.labelCounts().size() < 2) {
      throw new IllegalArgumentException(
          report.path()
              + ": a classifier needs at least two classes, found only "
              + report.labelCounts().keySet());
    }
    return LabelSet.of(report.labelCounts().keySet());
  }

  /**
   * Checks that every label here is one of {@code known} (the classes a model was trained on);
   * IllegalArgumentException naming the unknown ones and their row counts otherwise.
   */
  public void requireLabelsIn(LabelSet known) {
    Map<String, Long> unknown = new TreeMap<>();
    report
        .labelCounts()
        .forEach(
            (k, v) -> {
              if (!known.names().contains(k)) {
                unknown.put(k, v);
              }
            });
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          report.path()
              + ": labels the model does not know (rows): "
              + unknown
              + "; the model's labels are "
              + known.names());
    }
  }

  public Dataset<Row> rows() {
    return rows;
  }

  public Report report() {
    return report;
  }

  /**
   * Splits the usable rows into (kept, held out), a row held out when a hash of its content and
   * {@code seed} falls below {@code fraction}: the same rows are held out for any partitioning, in
   * every command given the same seed and fraction (so {@code albert baseline} and {@code albert
   * finetune} validate on the same rows), and duplicate rows land on the same side.
   */
  public List<LabelledData> split(double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("split fraction " + fraction + " is not in (0, 1)");
    }
    long buckets = 1_000_000;
    Column bucket =
        pmod(
            xxhash64(lit(seed), col(TEXT), coalesce(col(TEXT_PAIR), lit("")), col(LABEL)),
            lit(buckets));
    Column heldOut = bucket.lt(lit((long) Math.round(fraction * buckets)));
    String tag = String.format("%s (seed %d, fraction %s)", report.path(), seed, fraction);
    return List.of(
        counted(columns, rows.filter(heldOut.unary_$bang()), tag + " kept part"),
        counted(columns, rows.filter(heldOut), tag + " held-out part"));
  }

  /** Usable rows with their label counts (one pass). */
  private static LabelledData counted(Columns columns, Dataset<Row> usable, String path) {
    Map<String, Long> perLabel = new TreeMap<>();
    long n = 0;
    for (Row g : usable.groupBy(col(LABEL)).count().collectAsList()) {
      perLabel.put(g.getString(0), g.getLong(1));
      n += g.getLong(1);
    }
    if (n == 0) {
      throw new IllegalArgumentException(path + ": no rows");
    }
    return new LabelledData(columns, usable, new Report(path, n, 0, 0, 0, 0, perLabel));
  }

  /** The rows with a column {@code label_id} (int): each label's id in {@code labels}. */
  public Dataset<Row> withLabelIds(LabelSet labels, String idColumn) {
    List<Column> kv = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      kv.add(lit(labels.name(i)));
      kv.add(lit(i));
    }
    return rows.withColumn(
        idColumn, element_at(map(kv.toArray(Column[]::new)), col(LABEL)).cast("int"));
  }

  /** True when the rows carry a second text (sentence pairs). */
  public boolean hasTextPair() {
    return columns.textPair() != null;
  }

  public Columns columns() {
    return columns;
  }
}
