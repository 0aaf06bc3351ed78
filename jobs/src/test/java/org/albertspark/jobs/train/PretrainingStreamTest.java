package org.albertspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.albertspark.model.nn.Batch;
import org.albertspark.prep.PretrainingShards;
import org.albertspark.prep.SpmTokenizers;
import org.albertspark.prep.mask.DynamicMasker;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop's reader ({@link PretrainingStream}, driver-side, its own Parquet reader and
 * shuffle) yields exactly the instances that data-prep's reader ({@link PretrainingShards}, Spark)
 * reads from the same prep output: per epoch the same multiset of padded rows (tokens, segments,
 * attention, MLM labels, SOP label), with the stored masks or, for dynamic shards, the epoch's
 * masks.
 */
class PretrainingStreamTest {

  static final int SEQ = 64, VOCAB = 1000, PAD = 0;
  @TempDir static Path tmp;
  static Path staticPrep, dynamicPrep;
  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    // prep first: its command stops the Spark session it used
    staticPrep = TinyPretrainingData.prep(tmp.resolve("static"), false);
    dynamicPrep = TinyPretrainingData.prep(tmp.resolve("dynamic"), true);
    spark = SparkSession.builder().master("local[2]").appName("stream test").getOrCreate();
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  @Test
  void staticMasksTheStreamsEpochIsThePrepReadersRows() throws Exception {
    Path prep = staticPrep;
    PretrainingShards shards = PretrainingShards.open(spark, prep.toString());
    assertTrue(TinyPretrainingData.shardFiles(prep).size() > 1, "several shard files");
    List<String> want = shardRows(shards, null, 0);
    try (PretrainingStream s = stream(prep, null)) {
      List<String> epoch0 = streamRows(s, want.size());
      assertEquals(want, sorted(epoch0));
      assertEquals(0, s.epoch());
      // the next epoch: the same rows in another order
      List<String> epoch1 = streamRows(s, want.size());
      assertEquals(1, s.epoch());
      assertEquals(want, sorted(epoch1));
      assertNotEquals(epoch0, epoch1, "each epoch has its own order");
    }
  }

  @Test
  void dynamicMasksEachEpochIsThePrepReadersRowsMaskedForThatEpoch() throws Exception {
    Path prep = dynamicPrep;
    PretrainingShards shards = PretrainingShards.open(spark, prep.toString());
    assertTrue(shards.dynamic());
    DynamicMasker masker =
        shards.masker(
            new SpmTokenizers.Spm(SentencePieceModel.load(TinyPretrainingData.SPM)).vocab());
    List<String> want0 = shardRows(shards, masker, 0);
    List<String> want1 = shardRows(shards, masker, 1);
    assertNotEquals(want0, want1, "epochs 0 and 1 are masked differently");
    try (PretrainingStream s = stream(prep, masker)) {
      assertEquals(want0, sorted(streamRows(s, want0.size())));
      assertEquals(want1, sorted(streamRows(s, want1.size())));
      assertEquals(1, s.epoch());
    }
  }

  static PretrainingStream stream(Path prep, DynamicMasker masker) throws Exception {
    return new PretrainingStream(
        TinyPretrainingData.shardFiles(prep), new Configuration(), 7, 50, masker, SEQ, PAD, VOCAB);
  }

  /** Every row of the prep output through data-prep's batching, one text per row, sorted. */
  static List<String> shardRows(PretrainingShards shards, DynamicMasker masker, int epoch) {
    List<Row> rows = shards.rows().collectAsList();
    Iterator<PretrainingShards.Batch> it =
        PretrainingShards.batches(rows.iterator(), 1, SEQ, masker, epoch, PAD);
    List<String> out = new ArrayList<>();
    while (it.hasNext()) {
      PretrainingShards.Batch b = it.next();
      out.add(
          text(b.inputIds(), b.tokenTypeIds(), b.attentionMask(), b.mlmLabels(), b.sopLabels()));
    }
    return sorted(out);
  }

  /** The stream's next {@code n} rows, in stream order. */
  static List<String> streamRows(PretrainingStream s, int n) throws Exception {
    List<String> out = new ArrayList<>();
    for (Batch b : s.next(n, 1)) {
      out.add(
          text(b.inputIds(), b.tokenTypeIds(), b.attentionMask(), b.mlmLabels(), b.sopLabels()));
    }
    return out;
  }

  static String text(int[] ids, int[] types, int[] attention, int[] mlm, int[] sop) {
    return Arrays.toString(ids)
        + Arrays.toString(types)
        + Arrays.toString(attention)
        + Arrays.toString(mlm)
        + Arrays.toString(sop);
  }

  static List<String> sorted(List<String> rows) {
    List<String> s = new ArrayList<>(rows);
    s.sort(null);
    return s;
  }
}
