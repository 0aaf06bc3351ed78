package org.albertspark.jobs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.albertspark.jobs.bench.BenchReport;
import org.albertspark.jobs.train.PretrainBenchmark;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.config.Presets;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code albert bench pretrain}: the distributed mechanism's per-step overhead and bytes. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the per-step cost of albert pretrain's data-parallel mechanism (broadcast parameters,"
          + " one Spark task per worker, gradients collected and summed on the driver, update) over the"
          + " pure gradient computation: for each --workers value, the step time split into compute"
          + " (slowest task's forward + backward), exchange and update, overhead = (step - compute) /"
          + " compute, and bytes moved per step; next to the same global batch's step in-process (no"
          + " Spark), as the ratio of the two. The modes take turns (a round is one step of each) and"
          + " every figure is the median over the rounds, so a machine whose speed drifts still gives"
          + " a fair ratio. Random weights and random ids.",
      "Progress goes to stderr; the table (or --json lines) to stdout."
    })
public final class BenchPretrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      defaultValue = "albert-base-v2",
      paramLabel = "FILE|PRESET",
      description =
          "Model shape: a config.json or a preset name (default: ${DEFAULT-VALUE}); e.g."
              + " examples/tiny-albert.json for a quick run.")
  String config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override a config.json key of --config, repeatable: e.g. --set hidden_size=256 --set"
              + " intermediate_size=1024 --set num_attention_heads=4 for a base-shaped model small"
              + " enough to time on a laptop.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--global-batch",
      defaultValue = "64",
      paramLabel = "B",
      description = "(default: ${DEFAULT-VALUE})")
  int globalBatch;

  @Option(
      names = "--micro-batch",
      defaultValue = "16",
      paramLabel = "b",
      description = "Forward/backward pass size; memory grows with it (default: ${DEFAULT-VALUE}).")
  int microBatch;

  @Option(
      names = "--seq",
      defaultValue = "128",
      paramLabel = "T",
      description = "(default: ${DEFAULT-VALUE})")
  int seq;

  @Option(
      names = "--workers",
      defaultValue = "1,2",
      split = ",",
      paramLabel = "W",
      description = "Worker counts to measure (default: ${DEFAULT-VALUE}).")
  List<Integer> workers;

  @Option(
      names = "--steps",
      defaultValue = "3",
      paramLabel = "N",
      description =
          "Timed rounds (one step of each mode per round); figures are medians over them (default:"
              + " ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--warmup",
      defaultValue = "1",
      paramLabel = "N",
      description = "Untimed rounds first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--threads",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "BLAS threads of the in-process step and of each task in local mode (albert.threads;"
              + " on a cluster the executors' come from the launcher's --task-cpus: give the same"
              + " value) (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--skip-in-process", description = "Do not measure the in-process reference.")
  boolean skipInProcess;

  @Option(
      names = "--master",
      defaultValue = "local[*]",
      paramLabel = "URL",
      description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @Mixin BenchOutput benchOutput;

  @Override
  public Integer call() throws Exception {
    AlbertConfig c =
        (Presets.NAMES.contains(config) ? Presets.load(config) : AlbertConfig.read(Path.of(config)))
            .with(typed(overrides));
    for (int w : workers) {
      if (w < 1 || globalBatch % (w * microBatch) != 0) {
        throw new IllegalArgumentException(
            "--global-batch "
                + globalBatch
                + " is not divisible by "
                + w
                + " x --micro-batch "
                + microBatch);
      }
    }
    if (steps < 1 || warmup < 0 || threads < 1) {
      throw new IllegalArgumentException("--steps and --threads must be >= 1, --warmup >= 0");
    }
    if (System.getProperty("albert.threads") == null) {
      System.setProperty("albert.threads", Integer.toString(threads)); // before BLAS starts
    }
    List<Batch> batches = PretrainBenchmark.randomBatches(c, globalBatch, microBatch, seq, 7);
    return benchOutput.run(progress -> measure(c, batches, progress));
  }

  private BenchReport measure(AlbertConfig c, List<Batch> batches, PrintWriter progress) {
    SparkSession.Builder sb =
        SparkSession.builder()
            .appName("albert bench pretrain")
            .config("spark.driver.maxResultSize", "0");
    // under spark-submit its --master wins unless --master is given here
    if (spec.commandLine().getParseResult().hasMatchedOption("--master")
        || System.getProperty("spark.master") == null) {
      sb.master(master);
    }
    SparkSession spark = sb.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    String usedMaster = spark.sparkContext().master();
    List<PretrainBenchmark.Row> rows;
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      progress.printf(
          "%d warm-up + %d timed rounds of: %sspark with %s worker(s)%n",
          warmup, steps, skipInProcess ? "" : "in-process, ", workers);
      rows =
          PretrainBenchmark.interleaved(
              sc, c, batches, !skipInProcess, workers, warmup, steps, progress);
    } finally {
      spark.stop();
    }
    return PretrainBenchmark.report(
        String.format(
            "ALBERT pretraining step, %s%s (%,d parameters), global batch %d x seq %d, micro-batch"
                + " %d, master %s, %d thread(s) per task; medians of %d interleaved rounds",
            config,
            overrides.isEmpty() ? "" : " with " + overrides,
            ParameterLayout.of(c, Head.PRETRAINING).totalSize(),
            globalBatch,
            seq,
            microBatch,
            usedMaster,
            threads,
            steps),
        rows);
  }

  /** --set values as JSON numbers or booleans where they read as such, else strings. */
  private static Map<String, Object> typed(Map<String, String> overrides) {
    Map<String, Object> out = new LinkedHashMap<>();
    overrides.forEach(
        (k, v) -> {
          Object value = v;
          if (v.matches("-?\\d+")) {
            value = Long.parseLong(v);
          } else if (v.matches("-?\\d*\\.\\d+([eE]-?\\d+)?")) {
            value = Double.parseDouble(v);
          } else if (v.equals("true") || v.equals("false")) {
            value = Boolean.parseBoolean(v);
          }
          out.put(k, value);
        });
    return out;
  }
}
