package org.albertspark.prep;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Counts read back from the shards as written (one aggregation per file and length bucket), so the
 * manifest reports what is on disk, not what the job meant to write.
 *
 * @param instances totals, lengths and the length histogram
 * @param shards the files and their rows
 */
record WrittenShards(PrepManifest.Instances instances, PrepManifest.Shards shards) {

  /** Whether the per-file counts add up to the total. */
  boolean reconciles() {
    return shards.files().stream().mapToLong(PrepManifest.ShardFile::instances).sum()
        == instances.total();
  }

  static WrittenShards read(SparkSession spark, String shardDir, int maxSeqLength) {
    int width = Math.max(1, (maxSeqLength + 31) / 32);
    int buckets = maxSeqLength / width + 1;
    List<Row> groups =
        spark
            .read()
            .parquet(shardDir)
            .groupBy(
                input_file_name().as("f"), floor(col("length").divide(width)).cast("int").as("b"))
            .agg(
                count(lit(1)),
                sum("length"),
                sum(size(col("masked_positions"))),
                sum("sentence_order_label"),
                min("length"),
                max("length"))
            .collectAsList();
    long total = 0, tokens = 0, masked = 0, sop1 = 0;
    int minLen = Integer.MAX_VALUE, maxLen = 0;
    long[] histogram = new long[buckets];
    TreeMap<String, Long> perFile = new TreeMap<>();
    for (Row r : groups) {
      long n = r.getLong(2);
      total += n;
      tokens += r.getLong(3);
      masked += r.getLong(4);
      sop1 += r.getLong(5);
      minLen = Math.min(minLen, r.getInt(6));
      maxLen = Math.max(maxLen, r.getInt(7));
      histogram[r.getInt(1)] += n;
      String f = r.getString(0);
      perFile.merge(f.substring(f.lastIndexOf('/') + 1), n, Long::sum);
    }
    PrepManifest.Instances instances =
        new PrepManifest.Instances(
            total,
            tokens,
            masked,
            total - sop1,
            sop1,
            total == 0 ? 0 : tokens / (double) total,
            total > 0 ? minLen : null,
            total > 0 ? maxLen : null,
            new PrepManifest.LengthHistogram(width, PrepManifest.LengthHistogram.NOTE, histogram));
    List<PrepManifest.ShardFile> files = new ArrayList<>();
    for (Map.Entry<String, Long> e : perFile.entrySet()) {
      files.add(new PrepManifest.ShardFile(e.getKey(), e.getValue()));
    }
    return new WrittenShards(
        instances, new PrepManifest.Shards(ShardFormat.SHARDS_DIR, files, files.size()));
  }
}
