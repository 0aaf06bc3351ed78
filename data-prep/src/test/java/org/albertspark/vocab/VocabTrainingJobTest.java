package org.albertspark.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.albertspark.prep.corpus.CorpusFormat;
import org.albertspark.provenance.Provenance;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabTrainingJobTest {
  static SparkSession spark;
  static JavaSparkContext jsc;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("vocab-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static VocabTrainingJob.Settings settings(long maxWords, String out) {
    return new VocabTrainingJob.Settings(
        List.of("unused"),
        CorpusFormat.TEXT,
        "text",
        out,
        UnigramTrainerTest.small(300, 2),
        true,
        maxWords,
        1.0,
        1,
        0,
        false);
  }

  static byte[] trainFrom(
      List<String> lines, int partitions, VocabTrainingJob.Settings s, List<String> log) {
    var wc = VocabTrainingJob.countWords(jsc.parallelize(lines, partitions), s, log::add);
    TrainedVocab v = new UnigramTrainer(s.trainer(), log::add).train(wc.table());
    return VocabModelWriter.build(
            v, s.trainer(), new VocabModelWriter.RunInfo(List.of("x"), "x", "text"))
        .toBytes();
  }

  @Test
  void sameModelBytesForOneAndThreePartitions() {
    List<String> lines = UnigramTrainerTest.corpus(2000, 21);
    VocabTrainingJob.Settings s = settings(1_000_000, "x.model");
    byte[] one = trainFrom(lines, 1, s, new ArrayList<>());
    byte[] three = trainFrom(lines, 3, s, new ArrayList<>());
    assertArrayEquals(one, three);
    // and the same as training on the in-memory word table
    var mem =
        org.albertspark.tokenizer.ModelProto.parse(
            UnigramTrainerTest.train(
                UnigramTrainerTest.countWords(lines, s.trainer()), s.trainer()));
    var spark1 = org.albertspark.tokenizer.ModelProto.parse(one);
    assertEquals(mem.pieces().size(), spark1.pieces().size());
    for (int i = 0; i < mem.pieces().size(); i++) {
      assertEquals(mem.pieces().get(i).piece(), spark1.pieces().get(i).piece());
      assertEquals(mem.pieces().get(i).score(), spark1.pieces().get(i).score());
    }
  }

  @Test
  void capKeepsMostFrequentWordsWithAClearMessage() {
    List<String> lines = UnigramTrainerTest.corpus(1500, 5);
    List<String> log = new ArrayList<>();
    var wc =
        VocabTrainingJob.countWords(jsc.parallelize(lines, 3), settings(100, "x.model"), log::add);
    assertEquals(100, wc.table().size());
    assertTrue(wc.distinct() > 100);
    String msg =
        log.stream()
            .filter(m -> m.startsWith("WARNING: word table capped"))
            .findFirst()
            .orElseThrow();
    assertTrue(msg.contains("--max-words 100") && msg.contains("Raise --max-words"), msg);
    // the kept words are the most frequent ones, identically for any partitioning
    var again =
        VocabTrainingJob.countWords(jsc.parallelize(lines, 1), settings(100, "x.model"), m -> {});
    for (int i = 0; i < 100; i++) {
      assertEquals(wc.table().word(i), again.table().word(i));
    }
    for (int i = 1; i < 100; i++) {
      assertTrue(wc.table().count(i - 1) >= wc.table().count(i));
    }
  }

  @Test
  void endToEndWritesModelAndVocabAndRejectsBadInput(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("corpus.txt");
    Files.write(in, UnigramTrainerTest.corpus(1500, 9), StandardCharsets.UTF_8);
    Path out = dir.resolve("out/v.model");
    VocabTrainingJob.Settings s =
        new VocabTrainingJob.Settings(
            List.of(in.toString()),
            CorpusFormat.TEXT,
            "text",
            out.toString(),
            UnigramTrainerTest.small(300, 2),
            true,
            1_000_000,
            1.0,
            1,
            2,
            false);
    List<String> log = new ArrayList<>();
    var r = VocabTrainingJob.run(spark, s, log::add);
    SentencePieceModel m = SentencePieceModel.load(out);
    assertEquals(300, m.size());
    assertTrue(
        Files.readString(dir.resolve("out/v.vocab")).startsWith("<pad>\t0\n<unk>\t0\n[CLS]\t0\n"));
    assertTrue(r.report().sentences() >= 1500);
    assertTrue(log.stream().anyMatch(x -> x.startsWith("EM round 1")), String.join("\n", log));
    Provenance p =
        Provenance.fromJson(Files.readString(dir.resolve("out/v.model.provenance.json")));
    assertEquals("albert train-vocab", p.tool());
    assertEquals(List.of(), p.command(), "made through the API");
    assertEquals(
        List.of(new Provenance.Input("file:" + in, null, Files.size(in))),
        p.inputs(),
        "the resolved file with its size");
    assertEquals(300, p.flags().get("vocab_size"));
    assertEquals(List.of(in.toString()), p.flags().get("input"));
    assertEquals(List.of("[CLS]", "[SEP]", "[MASK]"), p.flags().get("control_symbols"));
    assertEquals(spark.version(), p.environment().get("spark_version"));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VocabTrainingJob.run(spark, s, x -> {}));
    assertTrue(
        e.getMessage().contains("exists") && e.getMessage().contains("--overwrite"),
        e.getMessage());

    VocabTrainingJob.Settings missing =
        new VocabTrainingJob.Settings(
            List.of(dir.resolve("nope/*.txt").toString()),
            CorpusFormat.TEXT,
            "text",
            dir.resolve("m.model").toString(),
            s.trainer(),
            true,
            1000,
            1.0,
            1,
            0,
            false);
    assertThrows(
        IllegalArgumentException.class, () -> VocabTrainingJob.run(spark, missing, x -> {}));

    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "\n\n   \n");
    VocabTrainingJob.Settings none =
        new VocabTrainingJob.Settings(
            List.of(empty.toString()),
            CorpusFormat.TEXT,
            "text",
            dir.resolve("e.model").toString(),
            s.trainer(),
            true,
            1000,
            1.0,
            1,
            0,
            false);
    e =
        assertThrows(
            IllegalArgumentException.class, () -> VocabTrainingJob.run(spark, none, x -> {}));
    assertTrue(e.getMessage().contains("no text"), e.getMessage());

    assertThrows(IllegalArgumentException.class, () -> settings(0, "x.model"));
  }

  @Test
  void samplingIsDeterministicAndRoughlyTheFraction() {
    int kept = 0;
    for (int i = 0; i < 10000; i++) {
      if (VocabTrainingJob.keep("sentence " + i, 42, 0.3)) {
        kept++;
      }
    }
    assertTrue(kept > 2700 && kept < 3300, "kept " + kept);
    assertEquals(VocabTrainingJob.keep("abc", 1, 0.5), VocabTrainingJob.keep("abc", 1, 0.5));
  }
}
