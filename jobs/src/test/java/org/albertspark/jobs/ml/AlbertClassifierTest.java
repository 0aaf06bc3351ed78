package org.albertspark.jobs.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.albertspark.jobs.finetune.FineTuneJob;
import org.albertspark.jobs.score.TinyClassifiers;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.provenance.Provenance;
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

/**
 * The fine-tuning Estimator on the bundled tiny model (hidden 64, 4 layers), local[2]: fit →
 * Transformer → save/load, in a Pipeline, 1 vs 2 workers, string and integer labels, sentence
 * pairs, and the output opening with the logits of {@code albert forward}.
 */
class AlbertClassifierTest {

  @TempDir static Path tmp;
  static SparkSession spark;
  static Dataset<Row> data;
  static AlbertClassificationModel oneWorker;

  static final Path TINY = TinyClassifiers.EXAMPLES.resolve("tiny-albert");

  @BeforeAll
  static void setUp() throws Exception {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("test")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    List<String> lines = new ArrayList<>();
    for (String line :
        Files.readAllLines(TinyClassifiers.EXAMPLES.resolve("text/emma-paragraphs.txt"))) {
      if (!line.isBlank() && lines.size() < 24) {
        lines.add(line.length() > 200 ? line.substring(0, 200) : line);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i);
      // a learnable rule: does the paragraph mention Emma
      rows.add(
          RowFactory.create(
              text,
              lines.get((i + 5) % lines.size()),
              text.contains("Emma") ? "emma" : "other",
              i % 3));
    }
    StructType schema =
        new StructType()
            .add("text", DataTypes.StringType)
            .add("second", DataTypes.StringType)
            .add("topic", DataTypes.StringType)
            .add("group", DataTypes.IntegerType);
    data = spark.createDataFrame(rows, schema);
    oneWorker = classifier("one").setWorkers(1).fit(data);
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  static AlbertClassifier classifier(String out) {
    return new AlbertClassifier()
        .setModelDir(TINY.toString())
        .setLabelCol("topic")
        .setOutputDir(tmp.resolve(out).toString())
        .setEpochs(2)
        .setBatchSize(8)
        .setMicroBatchSize(4)
        .setLearningRate(1e-3)
        .setMaxSeqLength(48)
        .setValidationFraction(0.25)
        .setSeed(5);
  }

  static Map<String, Double> probabilities(Row r) {
    scala.collection.Map<String, Double> m = r.getMap(r.fieldIndex("probabilities"));
    return CollectionConverters.asJava(m);
  }

  @Test
  void fitWritesAHuggingFaceClassifierDirectoryWithProvenance() throws Exception {
    Path out = Path.of(oneWorker.modelDir());
    AlbertConfig c = AlbertConfig.read(out.resolve("config.json"));
    assertEquals(List.of("AlbertForSequenceClassification"), c.architectures());
    assertEquals(List.of("emma", "other"), c.labels());
    JsonNode json = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals(2, json.get("num_labels").asInt());
    assertEquals(1, json.get("label2id").get("other").asInt());
    assertTrue(Files.isRegularFile(out.resolve("spiece.model")));
    Provenance prov = ModelDirectory.provenance(out).orElseThrow();
    assertEquals("albert finetune", prov.tool());
    assertTrue(prov.toJson().contains("macro_f1"), prov.toJson());
    JsonNode metrics = new ObjectMapper().readTree(out.resolve(FineTuneJob.METRICS).toFile());
    assertEquals(2, metrics.get("epochs").size());
    assertTrue(metrics.get("epochs").get(0).get("validation").has("accuracy"));
    int kept = metrics.get("kept_epoch").asInt();
    assertTrue(kept == 1 || kept == 2);
  }

  @Test
  void transformSaveLoadGivesTheSamePredictions() throws Exception {
    List<Row> before = oneWorker.transform(data).collectAsList();
    String path = tmp.resolve("saved-model").toString();
    oneWorker.write().overwrite().save(path);
    List<Row> after = AlbertClassificationModel.load(path).transform(data).collectAsList();
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      Row a = before.get(i), b = after.get(i);
      assertEquals(
          a.getString(a.fieldIndex("prediction")), b.getString(b.fieldIndex("prediction")));
      assertEquals(probabilities(a).get("emma"), probabilities(b).get("emma"), 1e-9);
    }
  }

  @Test
  void theOutputOpensWithTheLogitsOfAlbertForward() throws Exception {
    Path out = Path.of(oneWorker.modelDir());
    String text = "Emma was sitting with her father"; // one window at maxSeqLength 48
    Path dump = tmp.resolve("forward.safetensors");
    var cli = org.albertspark.jobs.cli.AlbertCli.newCommandLine();
    assertEquals(
        0,
        cli.execute(
            "forward", "--model", out.toString(), "--text", text, "--output", dump.toString()));
    float[] logits;
    try (SafeTensorsFile f = SafeTensorsFile.open(dump)) {
      logits = f.floats("logits");
    }
    Dataset<Row> one =
        data.sparkSession()
            .createDataFrame(List.of(RowFactory.create(text, text, "emma", 0)), data.schema());
    Row scored = oneWorker.transform(one).collectAsList().get(0); // the same text, one window
    double e0 = Math.exp(logits[0]), e1 = Math.exp(logits[1]);
    assertEquals(e0 / (e0 + e1), probabilities(scored).get("emma"), 1e-5);
  }

  @Test
  void twoWorkersTrainTheSameModelAsOne() throws Exception {
    classifier("two").setWorkers(2).fit(data);
    AlbertModel a = ModelDirectory.load(Path.of(oneWorker.modelDir()));
    AlbertModel b = ModelDirectory.load(tmp.resolve("two"));
    float[] x = a.parameters().flat().toFloatVector(), y = b.parameters().flat().toFloatVector();
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(x[i] - y[i]));
    }
    assertTrue(worst <= 1e-5, "largest parameter difference " + worst);
    ObjectMapper json = new ObjectMapper();
    JsonNode ea = json.readTree(Path.of(oneWorker.modelDir(), FineTuneJob.METRICS).toFile());
    JsonNode eb = json.readTree(tmp.resolve("two").resolve(FineTuneJob.METRICS).toFile());
    assertEquals(ea.get("kept_epoch"), eb.get("kept_epoch"));
    for (int e = 0; e < 2; e++) {
      JsonNode va = ea.get("epochs").get(e).get("validation");
      JsonNode vb = eb.get("epochs").get(e).get("validation");
      assertEquals(va.get("confusion_matrix"), vb.get("confusion_matrix"), "epoch " + e);
      assertEquals(va.get("loss").asDouble(), vb.get("loss").asDouble(), 1e-5);
      assertEquals(
          ea.get("epochs").get(e).get("train_loss").asDouble(),
          eb.get("epochs").get(e).get("train_loss").asDouble(),
          1e-5);
    }
  }

  /** The estimator's value (or default) of each param the model also has, by name. */
  static Map<String, Object> sharedValues(AlbertClassifier from, AlbertClassificationModel to) {
    Map<String, Object> m = new java.util.TreeMap<>();
    for (var p : to.params()) {
      if (from.hasParam(p.name())) {
        m.put(p.name(), from.getOrDefault(from.getParam(p.name())));
      }
    }
    return m;
  }

  static void assertSameScoringParams(AlbertClassifier from, AlbertClassificationModel to) {
    Map<String, Object> want = sharedValues(from, to);
    assertTrue(
        want.keySet()
            .containsAll(
                List.of(
                    "textCol",
                    "textPairCol",
                    "maxSeqLength",
                    "stride",
                    "aggregate",
                    "batchTokens",
                    "threshold",
                    "maxWindows",
                    "predictionCol",
                    "confidenceCol",
                    "probabilitiesCol",
                    "windowsCol",
                    "errorCol",
                    "modelCol",
                    "truncatedCol")),
        want.keySet().toString());
    want.forEach((name, v) -> assertEquals(v, to.getOrDefault(to.getParam(name)), name));
  }

  @Test
  void integerLabelsAndSentencePairsInAPipelineThatSavesAndLoads() throws Exception {
    AlbertClassifier pairs =
        classifier("pairs")
            .setLabelCol("group")
            .setTextPairCol("second")
            .setEpochs(1)
            .setValidationFraction(0)
            // every scoring param away from its default: fit must pass each to the model
            .setStride(7)
            .setAggregate("max")
            .setBatchTokens(2048)
            .setThreshold(0.25)
            .setMaxWindows(5)
            .setConfidenceCol("conf")
            .setProbabilitiesCol("probs")
            .setWindowsCol("n_windows")
            .setErrorCol("problem")
            .setModelCol("scored_by")
            .setTruncatedCol("cut");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {pairs});
    String saved = tmp.resolve("pipeline").toString();
    pipeline.write().overwrite().save(saved);
    PipelineModel fitted = Pipeline.load(saved).fit(data);
    AlbertConfig c = AlbertConfig.read(tmp.resolve("pairs").resolve("config.json"));
    assertEquals(List.of("0", "1", "2"), c.labels());
    AlbertClassificationModel model = (AlbertClassificationModel) fitted.stages()[0];
    assertSameScoringParams(pairs, model);
    List<Row> scored = fitted.transform(data).collectAsList();
    assertEquals(24, scored.size());
    // each row is scored through its pair's windows (the first is fine-tuning's encoding), at
    // most 5 (max-windows), logits aggregated by max: the plain forward's probabilities
    AlbertModel plain = ModelDirectory.load(tmp.resolve("pairs"));
    var tok =
        new org.albertspark.tokenizer.AlbertTokenizer(
            org.albertspark.tokenizer.SentencePieceModel.load(
                tmp.resolve("pairs").resolve("spiece.model")));
    int windowed = 0;
    for (Row r : scored.subList(0, 6)) {
      String a = r.getString(0), b = r.getString(1);
      List<TinyClassifiers.PairWindow> ws = TinyClassifiers.pairWindows(tok, a, b, 48, 7);
      double[] z = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
      for (TinyClassifiers.PairWindow w : ws.subList(0, Math.min(5, ws.size()))) {
        float[] wz = TinyClassifiers.plainLogits(plain, w.ids(), w.types());
        for (int j = 0; j < 3; j++) {
          z[j] = Math.max(z[j], wz[j]);
        }
      }
      double sum = Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]);
      scala.collection.Map<String, Double> p = r.getMap(r.fieldIndex("probs"));
      assertEquals(Math.exp(z[0]) / sum, p.apply("0"), 1e-5);
      assertEquals(Math.min(5, ws.size()), r.getInt(r.fieldIndex("n_windows")));
      assertEquals(
          ws.size() > 5 || TinyClassifiers.firstTextCut(tok, a, b, 48),
          r.getBoolean(r.fieldIndex("cut")));
      windowed += ws.size() > 1 ? 1 : 0;
    }
    assertTrue(windowed > 0, "some second texts were windowed");
    String pm = tmp.resolve("pipeline-model").toString();
    fitted.write().overwrite().save(pm);
    PipelineModel loaded = PipelineModel.load(pm);
    assertSameScoringParams(pairs, (AlbertClassificationModel) loaded.stages()[0]);
    assertEquals("second", ((AlbertClassificationModel) loaded.stages()[0]).getTextPairCol());
    List<Row> again = loaded.transform(data).collectAsList();
    for (int i = 0; i < scored.size(); i++) {
      Row r = scored.get(i);
      assertTrue(List.of("0", "1", "2").contains(r.getString(r.fieldIndex("prediction"))));
      assertEquals(
          r.getString(r.fieldIndex("prediction")),
          again.get(i).getString(r.fieldIndex("prediction")));
    }
  }
}
