package org.albertspark.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.jobs.train.PretrainBenchmark;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.config.Presets;
import org.albertspark.model.nn.Batch;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
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
          + " compute, and bytes moved per step. Also the same global batch in-process (no Spark)."
          + " Random weights and random ids.",
      "Progress goes to stderr; the table (or --json lines) to stdout."
    })
public final class BenchPretrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      defaultValue = "albert-base-v2",
      paramLabel = "FILE|PRESET",
      description = "Model shape (default: ${DEFAULT-VALUE}).")
  String config;

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
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Timed steps per measurement after one warm-up step (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--skip-in-process", description = "Do not measure the in-process reference.")
  boolean skipInProcess;

  @Option(
      names = "--master",
      defaultValue = "local[*]",
      paramLabel = "URL",
      description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--json", description = "One JSON object per row instead of the table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    AlbertConfig c =
        Presets.NAMES.contains(config) ? Presets.load(config) : AlbertConfig.read(Path.of(config));
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
    PrintWriter err = spec.commandLine().getErr();
    List<Batch> batches = PretrainBenchmark.randomBatches(c, globalBatch, microBatch, seq, 7);
    List<PretrainBenchmark.Row> rows = new ArrayList<>();
    if (!skipInProcess) {
      err.println("in-process reference ...");
      err.flush();
      rows.add(PretrainBenchmark.local(c, batches, 1, steps));
    }
    SparkSession spark =
        SparkSession.builder()
            .appName("albert bench pretrain")
            .master(master)
            .config("spark.driver.maxResultSize", "0")
            .getOrCreate();
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      for (int w : workers) {
        err.println("spark, " + w + " worker(s) ...");
        rows.add(PretrainBenchmark.distributed(sc, c, batches, w, 1, steps, err));
      }
    } finally {
      spark.stop();
    }
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper jm = new ObjectMapper();
    if (!json) {
      out.printf(
          "ALBERT pretraining step, %s, global batch %d x seq %d, micro-batch %d, master %s%n",
          config, globalBatch, seq, microBatch, master);
      out.printf(
          "| mode | workers | step s | compute s | exchange s | update s | overhead | MB moved/step |%n");
      out.printf("|---|---|---|---|---|---|---|---|%n");
    }
    for (PretrainBenchmark.Row r : rows) {
      if (json) {
        var o = jm.valueToTree(r);
        ((com.fasterxml.jackson.databind.node.ObjectNode) o).put("overhead", r.overhead());
        out.println(o);
      } else {
        out.printf(
            "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f%% | %.1f |%n",
            r.mode(),
            r.workers(),
            r.stepSeconds(),
            r.computeSeconds(),
            r.exchangeSeconds(),
            r.updateSeconds(),
            100 * r.overhead(),
            r.bytesPerStep() / 1e6);
      }
    }
    out.flush();
    return 0;
  }
}
