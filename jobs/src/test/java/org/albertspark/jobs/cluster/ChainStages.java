package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The stages the cluster chains ({@link LocalClusterChainIT}, {@link YarnChainIT}) submit, and the
 * checks of each stage's output, written once: the chains differ in where the data lives (local
 * paths or {@code hdfs://}) and how they submit, not in what a stage must produce.
 */
final class ChainStages {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ChainStages() {}

  /**
   * {@code albert pretrain} of {@code steps} steps of 8 on 2 data-parallel workers, a checkpoint at
   * the last step, a metrics line per step.
   */
  static String[] pretrain(String data, Path config, Path spm, int steps, Path output) {
    return new String[] {
      "pretrain",
      "--data",
      data,
      "--config",
      config.toString(),
      "--spm-model",
      spm.toString(),
      "--steps",
      Integer.toString(steps),
      "--global-batch",
      "8",
      "--workers",
      "2",
      "--checkpoint-every",
      Integer.toString(steps),
      "--log-every",
      "1",
      "--output",
      output.toString()
    };
  }

  /** A pretraining run's output: a finite loss per step, the last checkpoint, the final model. */
  static void checkPretrained(Path run, int steps) throws Exception {
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertEquals(steps, metrics.size(), String.join("\n", metrics));
    for (String line : metrics) {
      assertTrue(Double.isFinite(JSON.readTree(line).get("loss").asDouble()), line);
    }
    assertTrue(Files.isDirectory(run.resolve("checkpoints/step-" + steps)));
    for (String f : List.of("config.json", "model.safetensors", "spiece.model")) {
      assertTrue(Files.isRegularFile(run.resolve("final").resolve(f)), "final/" + f);
    }
  }

  /** {@code albert finetune} of {@code model} for one epoch on 2 workers, sentiment columns. */
  static String[] finetune(String model, String train, String validation, Path output) {
    return new String[] {
      "finetune",
      "--model",
      model,
      "--train",
      train,
      "--validation",
      validation,
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
      output.toString()
    };
  }

  /** A fine-tuned binary sentiment classifier directory. */
  static void checkClassifier(Path dir) throws Exception {
    JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
    assertEquals("AlbertForSequenceClassification", config.at("/architectures/0").asText());
    assertEquals(2, config.get("id2label").size(), config.toString());
    assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
  }

  /** {@code albert score} of a sentiment TSV (id = the sentence), then {@code extra} flags. */
  static String[] score(String model, String input, String output, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "score",
                "--model",
                model,
                "--input",
                input,
                "--format",
                "tsv",
                "--id-col",
                "sentence",
                "--text-col",
                "sentence",
                "--output",
                output));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** A scoring run's _SUMMARY.json: one output row per input row, all scored, none in error. */
  static void checkScored(JsonNode summary, long rows) {
    assertEquals(rows, summary.get("rows_out").asLong(), summary.toString());
    assertEquals(rows, summary.get("scored").asLong(), summary.toString());
    assertEquals(0, summary.get("errors").asLong(), summary.toString());
  }

  /** Every executor log shows the executor's own OpenBLAS decision. */
  static void checkOpenBlasChosenPerExecutor(List<String> executorLogs) {
    assertTrue(
        executorLogs.stream().allMatch(l -> l.contains("OpenBLAS core type:")),
        "every executor logs its OpenBLAS decision");
  }
}
