package org.albertspark.prep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.albertspark.prep.mask.DynamicMasker;
import org.albertspark.prep.mask.MaskedInstance;
import org.albertspark.prep.mask.MaskingConfig;
import org.albertspark.prep.mask.VocabInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * The training side of prep's output: opens a prep output directory (checking its manifest and
 * schema) and turns rows into padded batches of int arrays, masking per epoch when the shards were
 * written with {@code --dynamic-masking}.
 *
 * <pre>{@code
 * PretrainingShards shards = PretrainingShards.open(spark, "hdfs:///data/prep-out");
 * DynamicMasker masker = shards.dynamic() ? shards.masker(vocabInfo) : null;
 * shards.rows().foreachPartition(rows -> {
 *   Iterator<PretrainingShards.Batch> it = PretrainingShards.batches(rows, 32, shards.maxSeqLength(), masker, epoch);
 *   ...
 * });
 * }</pre>
 */
public final class PretrainingShards {
  /** Label of positions that do not count in the MLM loss (HF / PyTorch convention). */
  public static final int IGNORE = -100;

  private final Dataset<Row> rows;
  private final JsonNode manifest;

  private PretrainingShards(Dataset<Row> rows, JsonNode manifest) {
    this.rows = rows;
    this.manifest = manifest;
  }

  /** Opens {@code dir} written by prep; clear errors when it is not one. */
  public static PretrainingShards open(SparkSession spark, String dir) {
    JsonNode m = readManifest(dir, spark.sparkContext().hadoopConfiguration());
    Dataset<Row> df = spark.read().parquet(new Path(dir, ShardFormat.SHARDS_DIR).toString());
    for (StructField f : ShardFormat.SCHEMA.fields()) {
      if (!List.of(df.schema().fieldNames()).contains(f.name())) {
        throw new IllegalArgumentException(
            dir + ": shards lack column " + f.name() + "; not written by albert prep?");
      }
    }
    return new PretrainingShards(df, m);
  }

  public static JsonNode readManifest(String dir, Configuration conf) {
    Path p = new Path(dir, ShardFormat.MANIFEST);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      JsonNode m = new ObjectMapper().readTree(in);
      if (!ShardFormat.FORMAT.equals(m.path("format").asText())) {
        throw new IllegalArgumentException(
            p
                + " is not an albert prep manifest (format "
                + m.path("format").asText("missing")
                + ", expected "
                + ShardFormat.FORMAT
                + ")");
      }
      return m;
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException(
          dir
              + " has no "
              + ShardFormat.MANIFEST
              + ": not an albert prep output (or prep did not finish)");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  public Dataset<Row> rows() {
    return rows;
  }

  public JsonNode manifest() {
    return manifest;
  }

  public int maxSeqLength() {
    return manifest.path("flags").path("max_seq_length").asInt();
  }

  public boolean dynamic() {
    return manifest.path("masking").path("dynamic").asBoolean();
  }

  public String vocabSha256() {
    return manifest.path("vocabulary").path("sha256").asText();
  }

  /** The masker that prep used (static shards) or that training must use (dynamic shards). */
  public DynamicMasker masker(VocabInfo vocab) {
    JsonNode f = manifest.path("flags");
    MaskingConfig mc =
        new MaskingConfig(
            f.path("masked_lm_prob").asDouble(),
            f.path("max_predictions_per_seq").asInt(),
            f.path("ngram").asInt(),
            f.path("whole_word_mask").asBoolean(true),
            f.path("favor_shorter_ngram").asBoolean(true));
    return new DynamicMasker(mc, vocab, manifest.path("seed").asLong());
  }

  /**
   * A padded batch, row-major {@code [size][seqLength]}.
   *
   * @param inputIds token ids (padding: pad id of the vocabulary, 0 if unknown)
   * @param tokenTypeIds segment ids
   * @param attentionMask 1 for tokens, 0 for padding
   * @param mlmLabels original id at masked positions, {@link #IGNORE} elsewhere
   * @param sopLabels sentence-order label per row
   * @param instanceKeys instance_key per row
   */
  public record Batch(
      int size,
      int seqLength,
      int[] inputIds,
      int[] tokenTypeIds,
      int[] attentionMask,
      int[] mlmLabels,
      int[] sopLabels,
      long[] instanceKeys) {}

  /**
   * Batches rows of the shard schema. With a masker, rows must be unmasked (dynamic shards) and are
   * masked for {@code epoch}; without, the stored masks are used. The last batch may be smaller.
   */
  public static Iterator<Batch> batches(
      Iterator<Row> rows, int batchSize, int seqLength, DynamicMasker masker, int epoch) {
    return batches(rows, batchSize, seqLength, masker, epoch, 0);
  }

  public static Iterator<Batch> batches(
      Iterator<Row> rows,
      int batchSize,
      int seqLength,
      DynamicMasker masker,
      int epoch,
      int padId) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1");
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Batch next() {
        if (!rows.hasNext()) {
          throw new NoSuchElementException();
        }
        List<Row> chunk = new ArrayList<>(batchSize);
        while (chunk.size() < batchSize && rows.hasNext()) {
          chunk.add(rows.next());
        }
        int n = chunk.size();
        int[] ids = new int[n * seqLength];
        int[] types = new int[n * seqLength];
        int[] att = new int[n * seqLength];
        int[] labels = new int[n * seqLength];
        int[] sop = new int[n];
        long[] keys = new long[n];
        java.util.Arrays.fill(ids, padId);
        java.util.Arrays.fill(labels, IGNORE);
        for (int b = 0; b < n; b++) {
          Row r = chunk.get(b);
          int[] in = ints(r.getList(r.fieldIndex("input_ids")));
          int[] seg = ints(r.getList(r.fieldIndex("segment_ids")));
          if (in.length > seqLength) {
            throw new IllegalArgumentException(
                "instance of length " + in.length + " exceeds batch seq length " + seqLength);
          }
          long key = r.getLong(r.fieldIndex("instance_key"));
          int[] pos;
          int[] lab;
          int[] inputs = in;
          if (masker != null) {
            if (!r.getList(r.fieldIndex("masked_positions")).isEmpty()) {
              throw new IllegalStateException(
                  "shards are already masked; do not pass a DynamicMasker");
            }
            MaskedInstance m = masker.mask(in, key, epoch);
            inputs = m.inputIds();
            pos = m.positions();
            lab = m.labels();
          } else {
            pos = ints(r.getList(r.fieldIndex("masked_positions")));
            lab = ints(r.getList(r.fieldIndex("masked_ids")));
          }
          int base = b * seqLength;
          System.arraycopy(inputs, 0, ids, base, inputs.length);
          System.arraycopy(seg, 0, types, base, seg.length);
          java.util.Arrays.fill(att, base, base + inputs.length, 1);
          for (int k = 0; k < pos.length; k++) {
            labels[base + pos[k]] = lab[k];
          }
          sop[b] = r.getInt(r.fieldIndex("sentence_order_label"));
          keys[b] = key;
        }
        return new Batch(n, seqLength, ids, types, att, labels, sop, keys);
      }
    };
  }

  private static int[] ints(List<Object> xs) {
    int[] a = new int[xs.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = ((Number) xs.get(i)).intValue();
    }
    return a;
  }
}
