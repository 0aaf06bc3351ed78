package org.albertspark.jobs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.albertspark.jobs.finetune.FineTuneBenchmark;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.config.Presets;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code albert bench finetune}: fine-tuning examples/s per core vs the model's training step. */
@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    description = {
      "Measure, in one run: the training-step rate of albert bench model (MLM+SOP forward, backward, "
          + "LAMB; no Spark) and the rate of full fine-tuning steps of the same shape through the "
          + "data-parallel engine (Spark job per step, 2-class head, AdamW), as examples/s, per core, and "
          + "their ratio. Random weights and ids, no padding.",
      "Progress goes to stderr; the table to stdout."
    })
public final class BenchFinetuneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--preset",
      defaultValue = "albert-base-v2",
      paramLabel = "NAME",
      description = "Model shape (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--config", paramLabel = "FILE", description = "Model shape from a config.json.")
  Path config;

  @Option(
      names = "--seq",
      defaultValue = "128",
      paramLabel = "T",
      description = "Sequence length (default: ${DEFAULT-VALUE}).")
  int seq;

  @Option(
      names = "--batch",
      defaultValue = "8",
      paramLabel = "B",
      description = "Examples per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--workers",
      defaultValue = "1",
      paramLabel = "N",
      description = "Data-parallel workers; must divide --batch (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--iterations",
      defaultValue = "3",
      paramLabel = "N",
      description =
          "Timed steps after one warm-up; the best is reported (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Mixin SparkOptions sparkOptions;

  @Override
  public Integer call() throws Exception {
    if (seq <= 0 || batch <= 0 || workers <= 0 || iterations <= 0 || batch % workers != 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--seq, --batch, --workers and --iterations must be positive, --workers must divide --batch");
    }
    AlbertConfig shape = config != null ? AlbertConfig.read(config) : Presets.load(preset);
    SparkSession spark = sparkOptions.sqlSession("albert bench finetune");
    spark.sparkContext().setLogLevel("WARN");
    try {
      var r =
          FineTuneBenchmark.run(
              JavaSparkContext.fromSparkContext(spark.sparkContext()),
              shape,
              batch,
              seq,
              workers,
              iterations,
              spec.commandLine().getErr());
      PrintWriter out = spec.commandLine().getOut();
      FineTuneBenchmark.printTable(r, out);
      return 0;
    } finally {
      spark.stop();
    }
  }
}
