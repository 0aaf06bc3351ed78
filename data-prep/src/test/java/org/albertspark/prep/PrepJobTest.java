package org.albertspark.prep;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.albertspark.prep.corpus.CorpusFormat;
import org.albertspark.prep.corpus.CorpusOptions;
import org.albertspark.prep.corpus.CorpusReader;
import org.albertspark.prep.instance.InstanceConfig;
import org.albertspark.prep.mask.DynamicMasker;
import org.albertspark.prep.mask.MaskingConfig;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end prep on Spark local[2] (one session for the class; small inputs). */
class PrepJobTest {
  static SparkSession spark;
  @TempDir static Path tmp;
  static Path corpus;

  @BeforeAll
  static void start() throws IOException {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("prep-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.host", "localhost")
            .getOrCreate();
    corpus = tmp.resolve("corpus.txt");
    Files.writeString(corpus, generated(new Random(7), 300));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** BERT-convention text: documents of 1-12 sentences of 3-25 words. */
  static String generated(Random r, int docs) {
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < docs; d++) {
      int lines = 2 + r.nextInt(11);
      for (int l = 0; l < lines; l++) {
        int words = 3 + r.nextInt(23);
        for (int w = 0; w < words; w++) {
          sb.append(w == 0 ? "" : " ").append("w").append(r.nextInt(3000));
          if (r.nextInt(5) == 0) {
            sb.append("abcdefgh".substring(0, r.nextInt(8)));
          }
        }
        sb.append('\n');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static PrepConfig config(
      Path in, Path out, int partitions, long splitBytes, boolean dynamic, int dupe) {
    return new PrepConfig(
        List.of(in.toString()),
        CorpusOptions.of(CorpusFormat.TEXT).withSplitBytes(splitBytes),
        "fake.model",
        out.toString(),
        false,
        new InstanceConfig(64, 0.1, false),
        MaskingConfig.DEFAULT,
        dupe,
        12345,
        partitions,
        dynamic,
        500,
        0,
        100);
  }

  static PrepJob.Result runFake(PrepConfig cfg) {
    CorpusReader.Input input = new CorpusReader(spark, cfg.corpus()).resolve(cfg.inputs());
    return PrepJob.run(
        spark,
        cfg,
        input,
        new FakeTokenizerSource(),
        Map.of("sha256", "fake"),
        org.albertspark.provenance.Provenance.builder("albert prep"),
        System.err::println);
  }

  static List<String> sortedRows(String dir) {
    List<String> out = new ArrayList<>();
    for (Row r : spark.read().parquet(dir + "/shards").collectAsList()) out.add(r.toString());
    Collections.sort(out);
    return out;
  }

  @Test
  void manifestCarriesTheRunsProvenance() throws IOException {
    PrepJob.Result r = runFake(config(corpus, tmp.resolve("prov"), 1, 0, false, 1));
    org.albertspark.provenance.Provenance p =
        org.albertspark.provenance.Provenance.fromJson(r.manifest().path("provenance").toString());
    assertEquals("albert prep", p.tool());
    assertEquals(64, p.flags().get("max_seq_length"));
    assertEquals(corpus.toUri().toString().replace("file:///", "file:/"), p.inputs().get(0).path());
    assertEquals("fake", p.inputs().get(1).sha256(), "the vocabulary's hash");
  }

  @Test
  void sameOutputForOneAndFourPartitionsAndManifestReconciles() {
    PrepJob.Result one = runFake(config(corpus, tmp.resolve("p1"), 1, 0, false, 3));
    PrepJob.Result four = runFake(config(corpus, tmp.resolve("p4"), 4, 4096, false, 3));
    List<String> a = sortedRows(one.outputDir());
    List<String> b = sortedRows(four.outputDir());
    assertFalse(a.isEmpty());
    assertEquals(a, b, "shard content must not depend on partitioning");
    // shard files too: same number of shards and same rows in the same order within each
    JsonNode m = one.manifest();
    assertEquals(
        m.path("shards").path("files").toString().replaceAll("part-\\d+-[^\"]*", "x"),
        four.manifest()
            .path("shards")
            .path("files")
            .toString()
            .replaceAll("part-\\d+-[^\"]*", "x"));

    JsonNode docs = m.path("documents");
    assertEquals(300, docs.path("in").asLong());
    assertEquals(
        docs.path("in").asLong(), docs.path("used").asLong() + docs.path("skipped_total").asLong());
    assertTrue(m.path("reconciliation").path("documents_in_equals_used_plus_skipped").asBoolean());
    assertTrue(m.path("reconciliation").path("instances_equal_sum_over_shards").asBoolean());
    JsonNode inst = m.path("instances");
    long total = inst.path("total").asLong();
    assertEquals(a.size(), total);
    long hist = 0;
    for (JsonNode c : inst.path("length_histogram").path("counts")) hist += c.asLong();
    assertEquals(total, hist, "histogram covers every instance");
    assertTrue(inst.path("max_length").asInt() <= 64);
    // SOP balance
    double p1 = inst.path("sentence_order_label_1").asLong() / (double) total;
    assertEquals(0.5, p1, 5 * Math.sqrt(0.25 / total), "SOP labels over " + total);
    // masking rate: min(20, round(0.15 * len)) per instance, except when whole words do not fit
    double rate = inst.path("masked_tokens").asLong() / (double) inst.path("tokens").asLong();
    assertEquals(0.15, rate, 0.02, "masked fraction");
    assertEquals(3, m.path("flags").path("dupe_factor").asInt());
    assertEquals("fake", m.path("vocabulary").path("sha256").asText());
  }

  @Test
  void readerReadsWhatPrepWroteStaticAndDynamic() {
    PrepJob.Result stat = runFake(config(corpus, tmp.resolve("s"), 2, 0, false, 1));
    PrepJob.Result dyn = runFake(config(corpus, tmp.resolve("d"), 2, 0, true, 1));
    PretrainingShards s = PretrainingShards.open(spark, stat.outputDir());
    PretrainingShards d = PretrainingShards.open(spark, dyn.outputDir());
    assertFalse(s.dynamic());
    assertTrue(d.dynamic());
    assertEquals(64, s.maxSeqLength());
    List<Row> sRows = s.rows().orderBy("instance_key").collectAsList();
    List<Row> dRows = d.rows().orderBy("instance_key").collectAsList();
    assertEquals(sRows.size(), dRows.size());
    assertEquals(0, d.manifest().path("instances").path("masked_tokens").asLong());

    DynamicMasker masker = d.masker(FakeVocab.info());
    Iterator<PretrainingShards.Batch> sb =
        PretrainingShards.batches(sRows.iterator(), 16, 64, null, 0);
    Iterator<PretrainingShards.Batch> db0 =
        PretrainingShards.batches(dRows.iterator(), 16, 64, masker, 0);
    Iterator<PretrainingShards.Batch> db1 =
        PretrainingShards.batches(dRows.iterator(), 16, 64, masker, 1);
    int row = 0;
    int differentEpoch = 0;
    while (sb.hasNext()) {
      PretrainingShards.Batch x = sb.next();
      PretrainingShards.Batch y = db0.next();
      PretrainingShards.Batch z = db1.next();
      // epoch 0 of dynamic masking == the statically masked run
      assertArrayEquals(x.inputIds(), y.inputIds());
      assertArrayEquals(x.mlmLabels(), y.mlmLabels());
      assertArrayEquals(x.tokenTypeIds(), y.tokenTypeIds());
      assertArrayEquals(x.sopLabels(), y.sopLabels());
      if (!java.util.Arrays.equals(y.mlmLabels(), z.mlmLabels())) {
        differentEpoch++;
      }
      for (int b = 0; b < x.size(); b++) {
        Row r = sRows.get(row++);
        List<Integer> ids = r.getList(0);
        List<Integer> pos = r.getList(3);
        List<Integer> lab = r.getList(4);
        int base = b * 64;
        for (int i = 0; i < 64; i++) {
          assertEquals(i < ids.size() ? 1 : 0, x.attentionMask()[base + i]);
          if (i < ids.size()) {
            assertEquals((int) ids.get(i), x.inputIds()[base + i]);
          }
        }
        int labelled = 0;
        for (int i = 0; i < 64; i++) {
          if (x.mlmLabels()[base + i] != PretrainingShards.IGNORE) {
            labelled++;
          }
        }
        assertEquals(pos.size(), labelled);
        for (int k = 0; k < pos.size(); k++) {
          assertEquals((int) lab.get(k), x.mlmLabels()[base + pos.get(k)]);
        }
        assertEquals(r.getInt(5), x.sopLabels()[b]);
      }
    }
    assertEquals(sRows.size(), row);
    assertTrue(differentEpoch > 0, "epoch 1 draws other masks");
  }

  @Test
  void badInputIsCountedByReasonAndMissingPathFailsFirst() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(
        dir.resolve("good.txt"), generated(new Random(1), 20) + "\n\n\nonly one sentence\n\n");
    ByteArrayOutputStream utf = new ByteArrayOutputStream();
    utf.writeBytes("fine one\nfine two\n\nbroken ".getBytes(StandardCharsets.UTF_8));
    utf.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE, '\n'});
    utf.writeBytes("second line\n".getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("latin1.txt"), utf.toByteArray());
    byte[] bin = new byte[5000];
    new Random(2).nextBytes(bin);
    bin[0] = 0;
    Files.write(dir.resolve("image.bin"), bin);
    Files.writeString(
        dir.resolve("long.txt"), "a b c\nd e f\n\n" + "y".repeat(10 << 20) + "\nz\n\ng h\ni j\n");
    Path gz = dir.resolve("cut.txt.gz");
    ByteArrayOutputStream g = new ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(g)) {
      o.write(generated(new Random(3), 50).getBytes(StandardCharsets.UTF_8));
    }
    byte[] gb = g.toByteArray();
    Files.write(gz, java.util.Arrays.copyOf(gb, gb.length / 2));
    Files.writeString(dir.resolve("empty.txt"), "\n\n  \n");

    PrepJob.Result r = runFake(config(dir, tmp.resolve("badout"), 2, 0, false, 1));
    JsonNode docs = r.manifest().path("documents");
    JsonNode skipped = docs.path("skipped");
    assertEquals(1, skipped.path("invalid_utf8").asLong(), docs.toString());
    assertEquals(1, skipped.path("binary").asLong(), docs.toString());
    assertEquals(1, skipped.path("too_long").asLong(), docs.toString());
    assertEquals(1, skipped.path("unreadable_file").asLong(), docs.toString());
    assertTrue(skipped.path("one_sentence").asLong() >= 1, docs.toString());
    assertTrue(docs.path("unreadable_files").toString().contains("cut.txt.gz"));
    assertEquals(
        docs.path("in").asLong(), docs.path("used").asLong() + docs.path("skipped_total").asLong());
    assertTrue(docs.path("used").asLong() >= 20 + 1 + 2, docs.toString());

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                runFake(
                    config(tmp.resolve("does-not-exist"), tmp.resolve("never"), 1, 0, false, 1)));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("never")));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> runFake(config(corpus, tmp.resolve("badout"), 1, 0, false, 1)));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  @Test
  void corruptParquetFilesAreCountedAsUnreadableAndTheRestIsUsed() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("pq"));
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      texts.add("First sentence number " + i + " here. Then a second one. And a third.");
    }
    Path written = tmp.resolve("pq-write");
    spark
        .createDataset(texts, Encoders.STRING())
        .toDF("text")
        .coalesce(1)
        .write()
        .parquet(written.toString());
    Path part;
    try (var files = Files.list(written)) {
      part =
          files
              .filter(f -> f.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
    }
    byte[] good = Files.readAllBytes(part);
    Files.write(dir.resolve("good.parquet"), good);
    Files.write(dir.resolve("truncated.parquet"), java.util.Arrays.copyOf(good, good.length / 2));
    Files.writeString(dir.resolve("notes.txt"), "not parquet at all\n");

    PrepConfig cfg =
        new PrepConfig(
            List.of(dir.toString()),
            CorpusOptions.of(CorpusFormat.PARQUET),
            "fake.model",
            tmp.resolve("pq-out").toString(),
            false,
            new InstanceConfig(64, 0.1, false),
            MaskingConfig.DEFAULT,
            1,
            12345,
            2,
            false,
            500,
            0,
            100);
    JsonNode docs = runFake(cfg).manifest().path("documents");
    assertEquals(2, docs.path("skipped").path("unreadable_file").asLong(), docs.toString());
    assertEquals(30, docs.path("used").asLong(), docs.toString());
    assertEquals(32, docs.path("in").asLong(), docs.toString());
    assertEquals(
        docs.path("in").asLong(), docs.path("used").asLong() + docs.path("skipped_total").asLong());
    String unreadable = docs.path("unreadable_files").toString();
    assertTrue(
        unreadable.contains("truncated.parquet") && unreadable.contains("notes.txt"), unreadable);
    assertFalse(unreadable.contains("good.parquet"), unreadable);
  }

  @Test
  void parquetFileWithCorruptDataPagesKeepsRowsBeforeTheDamageAndCountsTheRest() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("pq-pages"));
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      texts.add("Row " + i + " opens here. Then a second sentence. And a third one.");
    }
    Path written = tmp.resolve("pq-pages-write");
    // small row groups: many per file
    spark
        .createDataset(texts, Encoders.STRING())
        .toDF("text")
        .coalesce(1)
        .write()
        .option("parquet.enable.dictionary", "false")
        .option("parquet.block.size", "2048")
        .option("parquet.block.size.row.check.min", "10")
        .option("parquet.block.size.row.check.max", "20")
        .parquet(written.toString());
    Path part;
    try (var files = Files.list(written)) {
      part =
          files
              .filter(f -> f.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
    }
    Path good = dir.resolve("good.parquet");
    Path damaged = dir.resolve("damaged.parquet");
    Files.copy(part, good);
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<org.apache.parquet.hadoop.metadata.BlockMetaData> groups = rowGroups(part, conf);
    assertTrue(groups.size() >= 4, "row groups: " + groups.size());
    // overwrite the middle row group's text column chunk (page header and data); the footer stays
    // intact
    org.apache.parquet.hadoop.metadata.BlockMetaData hit = groups.get(groups.size() / 2);
    var chunk = hit.getColumns().get(0);
    byte[] bytes = Files.readAllBytes(part);
    java.util.Arrays.fill(
        bytes,
        (int) chunk.getStartingPos(),
        (int) (chunk.getStartingPos() + chunk.getTotalSize()),
        (byte) 0xFF);
    Files.write(damaged, bytes);
    assertEquals(
        groups.size(), rowGroups(damaged, conf).size(), "footer of the damaged file still parses");
    long before = hit.getRowIndexOffset(); // rows of the damaged file readable before the damage
    assertTrue(before > 0 && before < 400, "damage at row " + before);

    PrepConfig cfg =
        new PrepConfig(
            List.of(dir.toString()),
            CorpusOptions.of(CorpusFormat.PARQUET),
            "fake.model",
            tmp.resolve("pq-pages-out").toString(),
            false,
            new InstanceConfig(64, 0.1, false),
            MaskingConfig.DEFAULT,
            1,
            12345,
            2,
            false,
            500,
            0,
            100);
    JsonNode m = runFake(cfg).manifest();
    JsonNode docs = m.path("documents");
    assertEquals(1, docs.path("skipped").path("unreadable_file").asLong(), docs.toString());
    assertEquals(400 + before, docs.path("used").asLong(), docs.toString());
    assertEquals(400 + before + 1, docs.path("in").asLong(), docs.toString());
    assertEquals(
        docs.path("in").asLong(), docs.path("used").asLong() + docs.path("skipped_total").asLong());
    assertTrue(m.path("reconciliation").path("documents_in_equals_used_plus_skipped").asBoolean());
    String unreadable = docs.path("unreadable_files").toString();
    assertTrue(unreadable.contains("damaged.parquet"), unreadable);
    assertFalse(unreadable.contains("good.parquet"), unreadable);
  }

  private static List<org.apache.parquet.hadoop.metadata.BlockMetaData> rowGroups(
      Path file, org.apache.hadoop.conf.Configuration conf) throws IOException {
    try (var r =
        org.apache.parquet.hadoop.ParquetFileReader.open(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), conf))) {
      return r.getFooter().getBlocks();
    }
  }

  @Test
  void realSentencePieceModelOnGutenberg() throws IOException {
    String shared = System.getProperty("albert.shared.dir");
    Assumptions.assumeTrue(
        shared != null && Files.isDirectory(Path.of(shared, "datasets/gutenberg")),
        "shared datasets absent");
    Path model = Path.of(shared, "fixtures/tokenizer/unigram-2000.model");
    // given relative to the working directory; recorded absolute (albert pretrain runs elsewhere)
    Path relative = Path.of("").toAbsolutePath().relativize(model.toAbsolutePath());
    // 60 KB of a book, paragraphs (blank-line separated) as documents, lines as sentences
    String book = Files.readString(Path.of(shared, "datasets/gutenberg/austen-emma.txt"));
    Path in = tmp.resolve("emma.txt");
    Files.writeString(in, book.substring(0, 60_000));
    PrepConfig cfg =
        new PrepConfig(
            List.of(in.toString()),
            CorpusOptions.of(CorpusFormat.TEXT),
            relative.toString(),
            tmp.resolve("emma-out").toString(),
            false,
            new InstanceConfig(128, 0.1, false),
            MaskingConfig.DEFAULT,
            2,
            1,
            0,
            false,
            32768,
            0,
            100);
    PrepJob.Result r = PrepJob.run(spark, cfg, System.err::println);
    JsonNode m = r.manifest();
    assertEquals(
        org.albertspark.prep.util.Hashing.sha256Hex(Files.readAllBytes(model)),
        m.path("vocabulary").path("sha256").asText());
    String recorded = m.path("vocabulary").path("path").asText();
    assertTrue(Path.of(recorded).isAbsolute(), recorded);
    assertTrue(Files.isSameFile(model, Path.of(recorded)), recorded);
    assertEquals(recorded, m.path("flags").path("spm_model").asText());
    boolean inProvenance = false;
    for (JsonNode input : m.path("provenance").path("inputs")) {
      inProvenance |= input.path("path").asText().equals(recorded);
    }
    assertTrue(inProvenance, m.path("provenance").toString());
    assertTrue(m.path("instances").path("total").asLong() > 50, m.toString());
    assertTrue(SpmTokenizers.cachedModels() >= 1);
    // every masked label is an ordinary piece and input ids stay inside the vocabulary
    for (Row row : spark.read().parquet(r.outputDir() + "/shards").collectAsList()) {
      for (Object id : row.getList(0)) assertTrue((Integer) id >= 0 && (Integer) id < 2000);
      assertEquals(2, (int) row.<Integer>getList(0).get(0)); // [CLS] is id 2 in ALBERT models
    }
  }
}
