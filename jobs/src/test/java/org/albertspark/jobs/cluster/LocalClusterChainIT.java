package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.albertspark.tokenizer.SentencePieceModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on a real Spark standalone cluster (submit-scripts/local-cluster: a master and two
 * one-core workers on loopback) through the real SparkSubmit (submit-scripts/submit-standalone),
 * each stage's output checked before the next stage reads it. Runs after `package` (failsafe),
 * since it submits the job jar: train-vocab, prep, pretrain (2 workers), finetune, score, eval. To
 * extend the chain, add a stage to {@link #chain} in order.
 */
class LocalClusterChainIT {

  static final Path ROOT = LocalCluster.ROOT;
  static final LocalCluster cluster =
      new LocalCluster(ROOT.resolve("jobs/target/it-local-cluster"));
  static final Path WORK = cluster.work;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster.start(2);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.stop();
  }

  @Test
  void chain() throws Exception {
    Path corpus = ROOT.resolve("examples/text/emma-paragraphs.txt");

    // 1. a vocabulary trained on the cluster
    Path vocab = WORK.resolve("vocab/emma.model");
    cluster.submit(
        "train-vocab",
        "--input",
        corpus.toString(),
        "--format",
        "lines",
        "--vocab-size",
        "2000",
        "--output",
        vocab.toString());
    SentencePieceModel sp = SentencePieceModel.load(vocab);
    assertEquals(2000, sp.size());
    assertTrue(Files.isRegularFile(WORK.resolve("vocab/emma.vocab")));

    // 2. pretraining shards with that vocabulary
    Path prep = WORK.resolve("prep");
    cluster.submit(
        "prep",
        "--input",
        corpus.toString(),
        "--format",
        "lines",
        "--spm-model",
        vocab.toString(),
        "--max-seq-length",
        "64",
        "--output",
        prep.toString());
    JsonNode manifest = new ObjectMapper().readTree(prep.resolve("manifest.json").toFile());
    assertTrue(manifest.at("/instances/total").asLong() > 0, manifest.toString());
    try (Stream<Path> shards = Files.list(prep.resolve("shards"))) {
      assertTrue(shards.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")));
    }

    // 3. a short pretraining of the tiny config on those shards, 2 data-parallel workers
    ObjectMapper json = new ObjectMapper();
    ObjectNode tiny =
        (ObjectNode) json.readTree(ROOT.resolve("examples/tiny-albert.json").toFile());
    tiny.put("vocab_size", sp.size());
    Path config = WORK.resolve("tiny-albert-2000.json");
    json.writeValue(config.toFile(), tiny);
    Path pretrain = WORK.resolve("pretrain");
    cluster.submit(
        "pretrain",
        "--data",
        prep.toString(),
        "--config",
        config.toString(),
        "--spm-model",
        vocab.toString(),
        "--steps",
        "4",
        "--global-batch",
        "8",
        "--workers",
        "2",
        "--checkpoint-every",
        "4",
        "--log-every",
        "1",
        "--output",
        pretrain.toString());
    List<String> metrics = Files.readAllLines(pretrain.resolve("metrics.jsonl"));
    assertEquals(4, metrics.size(), String.join("\n", metrics));
    for (String line : metrics) {
      assertTrue(Double.isFinite(json.readTree(line).get("loss").asDouble()), line);
    }
    assertTrue(Files.isDirectory(pretrain.resolve("checkpoints/step-4")));
    Path pretrained = pretrain.resolve("final");
    for (String f : List.of("config.json", "model.safetensors", "spiece.model")) {
      assertTrue(Files.isRegularFile(pretrained.resolve(f)), "final/" + f);
    }

    // 4. fine-tuning the pretrained encoder as a classifier, on a slice of the sentiment sample
    Path train =
        ClusterScripts.head(
            ROOT.resolve("examples/sentiment/train.tsv"), 160, WORK.resolve("train.tsv"));
    Path dev =
        ClusterScripts.head(
            ROOT.resolve("examples/sentiment/dev.tsv"), 64, WORK.resolve("dev.tsv"));
    Path classifier = WORK.resolve("classifier");
    cluster.submit(
        "finetune",
        "--model",
        pretrained.toString(),
        "--train",
        train.toString(),
        "--validation",
        dev.toString(),
        "--text-col",
        "sentence",
        "--epochs",
        "1",
        "--batch",
        "16",
        "--micro-batch",
        "8",
        "--workers",
        "2",
        "--max-seq-length",
        "64",
        "--output",
        classifier.toString());
    JsonNode classifierConfig = json.readTree(classifier.resolve("config.json").toFile());
    assertEquals(
        "AlbertForSequenceClassification", classifierConfig.at("/architectures/0").asText());
    assertEquals(2, classifierConfig.get("id2label").size(), classifierConfig.toString());
    assertTrue(Files.isRegularFile(classifier.resolve("model.safetensors")));

    // 5. scoring the dev slice: one output row per input row, none in error
    Path scores = WORK.resolve("scores");
    cluster.submit(
        "score",
        "--model",
        classifier.toString(),
        "--input",
        dev.toString(),
        "--format",
        "tsv",
        "--id-col",
        "sentence",
        "--text-col",
        "sentence",
        "--keep-cols",
        "label",
        "--output",
        scores.toString());
    JsonNode summary = json.readTree(scores.resolve("_SUMMARY.json").toFile());
    assertEquals(64, summary.get("rows_out").asLong(), summary.toString());
    assertEquals(64, summary.get("scored").asLong(), summary.toString());
    assertEquals(0, summary.get("errors").asLong(), summary.toString());
    try (Stream<Path> parts = Files.list(scores)) {
      assertTrue(parts.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")));
    }

    // 6. the classifier's metrics on the same slice
    Path eval = WORK.resolve("eval.json");
    cluster.submit(
        "eval",
        "--model",
        classifier.toString(),
        "--data",
        dev.toString(),
        "--text-col",
        "sentence",
        "--max-seq-length",
        "64",
        "--output",
        eval.toString());
    JsonNode evalMetrics = json.readTree(eval.toFile()).get("metrics");
    assertEquals(64, evalMetrics.get("examples").asLong(), evalMetrics.toString());
    double accuracy = evalMetrics.get("accuracy").asDouble();
    assertTrue(accuracy >= 0 && accuracy <= 1, evalMetrics.toString());

    // the work ran in executor JVMs of the workers, each choosing its OpenBLAS kernel itself
    List<String> executorLogs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(cluster.state.resolve("work"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        executorLogs.add(Files.readString(f));
      }
    }
    assertTrue(executorLogs.size() >= 2, "executor logs: " + executorLogs.size());
    assertTrue(
        executorLogs.stream().allMatch(l -> l.contains("OpenBLAS core type:")),
        "every executor logs its OpenBLAS decision");
  }
}
