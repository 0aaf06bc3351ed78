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
    cluster.submit(ChainStages.pretrain(prep.toString(), config, vocab, 4, pretrain));
    ChainStages.checkPretrained(pretrain, 4);
    Path pretrained = pretrain.resolve("final");

    // 4. fine-tuning the pretrained encoder as a classifier, on a slice of the sentiment sample
    Path train =
        ClusterScripts.head(
            ROOT.resolve("examples/sentiment/train.tsv"), 160, WORK.resolve("train.tsv"));
    Path dev =
        ClusterScripts.head(
            ROOT.resolve("examples/sentiment/dev.tsv"), 64, WORK.resolve("dev.tsv"));
    Path classifier = WORK.resolve("classifier");
    cluster.submit(
        ChainStages.finetune(pretrained.toString(), train.toString(), dev.toString(), classifier));
    ChainStages.checkClassifier(classifier);

    // 5. scoring the dev slice: one output row per input row, none in error
    Path scores = WORK.resolve("scores");
    cluster.submit(
        ChainStages.score(
            classifier.toString(), dev.toString(), scores.toString(), "--keep-cols", "label"));
    ChainStages.checkScored(json.readTree(scores.resolve("_SUMMARY.json").toFile()), 64);
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
    ChainStages.checkOpenBlasChosenPerExecutor(executorLogs);
  }
}
