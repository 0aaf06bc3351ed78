package org.albertspark.jobs.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.albertspark.jobs.classify.JsonOutput;
import org.albertspark.jobs.classify.LabelSet;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.finetune.ModelSource;
import org.albertspark.jobs.score.ClassifierEvaluation;
import org.albertspark.jobs.score.ScoringOptions;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.ModelDirectory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code albert eval}: a classifier's metrics on labelled data. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Evaluate a sequence classifier (a model directory with AlbertForSequenceClassification, e.g. "
          + "from albert finetune) on labelled data: accuracy, macro-F1, per-class precision/recall/F1, "
          + "confusion matrix and mean loss (negative log-likelihood of the true label), printed as a "
          + "table (the format of albert baseline) and, with --output, written as JSON.",
      "Rows are scored as albert score scores them: a text longer than --max-seq-length is cut into "
          + "windows overlapping by --stride tokens whose logits are aggregated (--aggregate), never "
          + "truncated silently; with --text-pair-col a pair's first window is cut longest-first as "
          + "fine-tuning cuts it and its second text goes on in windows. The summary counts the "
          + "windows, the documents with more than one and those truncated (--max-windows, or a "
          + "pair's cut first text). The data's labels must be among the "
          + "model's (id2label); rows with a missing or blank text or label are skipped and counted, "
          + "rows the scorer cannot score (e.g. no tokens) are counted by reason."
    })
public final class EvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "Classifier model directory (config.json, model.safetensors, spiece.model).")
  Path model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "PATH",
      description = "Labelled data (file, directory or glob on any Hadoop file system).")
  String dataPath;

  @Mixin LabelledDataOptions data;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write the metrics as JSON here (any Hadoop file system path).")
  String output;

  @Option(
      names = "--max-seq-length",
      defaultValue = "128",
      paramLabel = "T",
      description =
          "Window length in tokens incl. [CLS]/[SEP] (default: ${DEFAULT-VALUE}, albert finetune's; "
              + "0 = the model's max_position_embeddings).")
  int maxSeqLength;

  @Mixin WindowOptions windows;

  @Option(
      names = "--workers",
      defaultValue = "1",
      paramLabel = "N",
      description = "Spark tasks the rows are shared among, at most (default: ${DEFAULT-VALUE}).")
  int workers;

  @Mixin SparkOptions sparkOptions;

  @Mixin Progress progress;

  @Mixin ProgressInterval progressInterval;

  @Override
  public Integer call() throws Exception {
    if (workers < 1) {
      throw new ParameterException(spec.commandLine(), "--workers must be positive");
    }
    Duration progressEvery = progressInterval.every();
    ScoringOptions options = windows.options(maxSeqLength, 0.5);
    data.formatOf(dataPath);
    PrintWriter err = spec.commandLine().getErr();
    AlbertModel classifier;
    AlbertConfig config;
    ModelSource source = new ModelSource(model, null, null);
    try {
      source.check();
      config = AlbertConfig.read(model.resolve(ModelDirectory.CONFIG));
      if (!config.isSequenceClassification()) {
        throw new IllegalArgumentException(
            model
                + " is not a sequence classifier (architectures "
                + config.architectures()
                + "): fine-tune it with albert finetune first");
      }
      options.check(config);
      classifier = ModelDirectory.load(model);
    } catch (IllegalArgumentException e) {
      err.println("albert eval: " + e.getMessage());
      err.flush();
      return 2;
    }
    SparkSession spark = sparkOptions.sqlSession("albert eval");
    spark.sparkContext().setLogLevel("WARN");
    try {
      long t0 = System.nanoTime();
      LabelledData rows = data.read(spark, dataPath);
      progress.accept(rows.report().summary());
      rows.requireLabelsIn(new LabelSet(config.labels()));
      progress.accept(String.format("scoring (%s)", options));
      ClassifierEvaluation.Outcome outcome =
          ClassifierEvaluation.evaluate(
              JavaSparkContext.fromSparkContext(spark.sparkContext()),
              classifier,
              Files.readAllBytes(source.spiece()),
              rows,
              options,
              workers,
              progress,
              progressEvery);
      double seconds = (System.nanoTime() - t0) / 1e9;
      PrintWriter out = spec.commandLine().getOut();
      outcome.metrics().printTable(out, "albert eval of " + model + " on " + rows.report().path());
      out.println(outcome.summary());
      out.flush();
      if (output != null) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("command", "albert eval");
        json.put("model", model.toString());
        json.put("data", rows.report().path());
        json.put("rows", rows.report().usable());
        json.put("skipped", rows.report().skipped());
        json.put("max_seq_length", options.windowLength(config));
        json.put("stride", options.stride());
        json.put("aggregate", options.aggregate().name().toLowerCase(Locale.ROOT));
        json.put("batch_tokens", options.batchTokens());
        json.put("max_windows", options.maxWindows());
        outcome.addTo(json);
        json.put("seconds", seconds);
        json.set("metrics", outcome.metrics().toJson());
        JsonOutput.write(spark.sparkContext().hadoopConfiguration(), output, json);
        progress.accept("wrote " + output);
      }
      progress.accept(String.format("done in %.1fs", seconds));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("albert eval: " + e.getMessage());
      err.flush();
      return 2;
    } finally {
      spark.stop();
    }
  }
}
