package org.albertspark.jobs.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.albertspark.jobs.score.DocumentText;
import org.albertspark.jobs.score.LoadedClassifier;
import org.albertspark.jobs.score.TinyClassifiers;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** The Spark ML Transformer on a tiny model, in local[2]. */
class AlbertClassificationModelTest {

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path modelDir;
  static List<String> texts;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkSession.builder().master("local[2]").appName("test").getOrCreate();
    modelDir =
        TinyClassifiers.write(tmp.resolve("sentiment"), List.of("negative", "positive"), null, 3);
    texts = new ArrayList<>();
    for (String line :
        Files.readAllLines(TinyClassifiers.EXAMPLES.resolve("text/emma-paragraphs.txt"))) {
      if (!line.isBlank() && texts.size() < 24) {
        texts.add(line.length() > 400 ? line.substring(0, 400) : line);
      }
    }
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  private static Dataset<Row> frame(List<Object[]> rows) {
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, true)
            .add("text", DataTypes.StringType, true);
    List<Row> r = new ArrayList<>();
    for (Object[] o : rows) {
      r.add(RowFactory.create(o));
    }
    return spark.createDataFrame(r, schema);
  }

  private static Dataset<Row> docs() {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(new Object[] {(long) (100 - i), texts.get(i)});
    }
    return frame(rows);
  }

  private static Map<String, Double> probabilities(Row r) {
    scala.collection.Map<String, Double> m = r.getMap(r.fieldIndex("probabilities"));
    return CollectionConverters.asJava(m);
  }

  @Test
  void probabilitiesEqualThePlainModelForwardAndOrderIsKept() throws Exception {
    AlbertClassificationModel model =
        new AlbertClassificationModel(modelDir.toString()).setMaxSeqLength(64).setStride(16);
    List<Row> out = model.transform(docs().repartition(1)).collectAsList();
    LoadedClassifier plain = LoadedClassifier.load(modelDir);
    assertEquals(texts.size(), out.size());
    for (int i = 0; i < texts.size(); i++) {
      Row r = out.get(i);
      assertEquals(100L - i, r.getLong(0), "ids in input order");
      int[] ids = TinyClassifiers.encode(plain.tokenizer(), texts.get(i), 64);
      if (plain.tokenizer().tokenizeToIds(texts.get(i)).length > 62) {
        assertTrue(r.getInt(r.fieldIndex("windows")) > 1);
        continue; // several windows: the engine test checks their aggregate
      }
      float[] logits = TinyClassifiers.plainLogits(plain.model(), ids);
      double e0 = Math.exp(logits[0]), e1 = Math.exp(logits[1]);
      assertEquals(e1 / (e0 + e1), probabilities(r).get("positive"), 1e-5);
      assertEquals(e1 > e0 ? "positive" : "negative", r.getString(r.fieldIndex("prediction")));
      assertTrue(r.getString(r.fieldIndex("model")).startsWith("sentiment@"));
      assertNull(r.get(r.fieldIndex("error")));
    }
  }

  @Test
  void oneAndFourPartitionsGiveTheSameRowsInTheSameOrder() {
    AlbertClassificationModel model = new AlbertClassificationModel(modelDir.toString());
    List<Row> one = model.transform(docs().coalesce(1)).collectAsList();
    List<Row> four =
        model
            .transform(
                docs()
                    .repartition(1)
                    .repartitionByRange(4, org.apache.spark.sql.functions.col("id").desc()))
            .collectAsList();
    assertEquals(one.size(), four.size());
    for (int i = 0; i < one.size(); i++) {
      assertEquals(one.get(i).getLong(0), four.get(i).getLong(0));
      assertEquals(one.get(i).getString(2), four.get(i).getString(2));
      // other batch shapes, other GEMM blocking: equal to float rounding, not bit for bit
      Map<String, Double> a = probabilities(one.get(i)), b = probabilities(four.get(i));
      for (String label : a.keySet()) {
        assertEquals(a.get(label), b.get(label), 1e-6);
      }
    }
  }

  @Test
  void everyMalformedRowComesOutOnceWithAnError() {
    StringBuilder huge = new StringBuilder();
    while (huge.length() < 20_000) { // > 10 windows of 128 tokens
      huge.append(texts.get(huge.length() % texts.size())).append(' ');
    }
    List<Object[]> rows =
        Arrays.asList(
            new Object[] {1L, null},
            new Object[] {2L, ""},
            new Object[] {3L, "  \t "},
            new Object[] {4L, "broken \uFFFD text"},
            new Object[] {5L, huge.toString()},
            new Object[] {5L, "a duplicate id"},
            new Object[] {null, "no id"},
            new Object[] {8L, "\u0000\u0001"},
            new Object[] {9L, "fine"});
    List<Row> out =
        new AlbertClassificationModel(modelDir.toString()).transform(frame(rows)).collectAsList();
    assertEquals(rows.size(), out.size());
    List<String> errors = new ArrayList<>();
    for (Row r : out) {
      String e = r.getString(r.fieldIndex("error"));
      errors.add(e == null ? null : DocumentText.reasonOf(e));
      if (e != null) {
        assertNull(r.get(r.fieldIndex("prediction")));
        assertEquals(0, r.getInt(r.fieldIndex("windows")));
      } else {
        assertNotNull(r.get(r.fieldIndex("prediction")));
      }
      assertNotNull(r.getString(r.fieldIndex("model")));
    }
    assertEquals(
        Arrays.asList(
            DocumentText.NULL, DocumentText.EMPTY, DocumentText.BLANK, DocumentText.UNDECODABLE),
        errors.subList(0, 4));
    assertTrue(out.get(4).getInt(out.get(4).fieldIndex("windows")) > 10, "long doc in windows");
    assertNull(errors.get(5));
    assertNull(errors.get(6));
    assertNull(errors.get(8));
  }

  @Test
  void savedAndLoadedAloneAndInAPipeline() throws Exception {
    AlbertClassificationModel model =
        new AlbertClassificationModel(modelDir.toString())
            .setStride(8)
            .setMaxWindows(3)
            .setPredictionCol("label");
    Path saved = tmp.resolve("saved");
    model.write().overwrite().save(saved.toString());
    assertTrue(Files.isRegularFile(saved.resolve("data/model.safetensors")));
    assertTrue(Files.isRegularFile(saved.resolve("data/spiece.model")));
    AlbertClassificationModel loaded = AlbertClassificationModel.load(saved.toString());
    assertEquals(model.uid(), loaded.uid());
    assertEquals(8, loaded.getStride());
    assertEquals(3, loaded.getMaxWindows());
    assertEquals("label", loaded.getPredictionCol());
    LoadedClassifier.load(saved.resolve("data")); // the data part is a HF model directory

    List<Row> direct = model.transform(docs()).collectAsList();
    List<Row> viaLoaded = loaded.transform(docs()).collectAsList();
    PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {loaded}).fit(docs());
    Path pipePath = tmp.resolve("pipeline");
    pipeline.write().overwrite().save(pipePath.toString());
    List<Row> viaPipeline =
        PipelineModel.load(pipePath.toString()).transform(docs()).collectAsList();
    for (int i = 0; i < direct.size(); i++) {
      assertEquals(direct.get(i).getString(2), viaLoaded.get(i).getString(2));
      assertEquals(probabilities(direct.get(i)), probabilities(viaLoaded.get(i)));
      assertEquals(probabilities(direct.get(i)), probabilities(viaPipeline.get(i)));
    }
    // the model column names the model by content: the same for the copy
    String hash = direct.get(0).getString(direct.get(0).fieldIndex("model")).split("@")[1];
    assertEquals(
        hash, viaLoaded.get(0).getString(viaLoaded.get(0).fieldIndex("model")).split("@")[1]);
  }

  @Test
  void aClassificationDirectoryMadeByHuggingFaceLoads() throws Exception {
    String shared = System.getProperty("albert.shared.dir", "../../shared");
    Path fixture = Path.of(shared, "fixtures", "model", "tiny_seqcls");
    assumeTrue(Files.isDirectory(fixture), "no " + fixture + ": skipped");
    Path dir = Files.createDirectories(tmp.resolve("hf"));
    Files.copy(fixture.resolve("config.json"), dir.resolve("config.json"));
    Files.copy(fixture.resolve("model.safetensors"), dir.resolve("model.safetensors"));
    Files.copy(
        TinyClassifiers.EXAMPLES.resolve("tiny-albert/spiece.model"), dir.resolve("spiece.model"));
    List<Row> out =
        new AlbertClassificationModel(dir.toString())
            .setStride(16)
            .transform(docs())
            .collectAsList();
    assertEquals(texts.size(), out.size());
    assertEquals(
        List.of("LABEL_0", "LABEL_1", "LABEL_2"),
        new ArrayList<>(probabilities(out.get(0)).keySet()).stream().sorted().toList());
    assertTrue(out.get(0).getString(out.get(0).fieldIndex("prediction")).startsWith("LABEL_"));
  }

  @Test
  void aPretrainingModelOrAMissingTextColumnIsRefusedUpFront() {
    var pretraining =
        new AlbertClassificationModel(TinyClassifiers.EXAMPLES.resolve("tiny-albert").toString());
    var e = assertThrows(IllegalArgumentException.class, () -> pretraining.transform(docs()));
    assertTrue(e.getMessage().contains("not a classification model"), e.getMessage());
    var noText = new AlbertClassificationModel(modelDir.toString()).setTextCol("body");
    e = assertThrows(IllegalArgumentException.class, () -> noText.transform(docs()));
    assertTrue(e.getMessage().contains("no text column 'body'"), e.getMessage());
  }
}
