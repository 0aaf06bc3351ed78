package org.albertspark.jobs.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.jobs.classify.ClassificationMetrics;
import org.albertspark.jobs.classify.JsonOutput;
import org.albertspark.jobs.classify.LabelSet;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.finetune.ClassificationBatches;
import org.albertspark.jobs.finetune.ClassifierEvaluation;
import org.albertspark.jobs.finetune.EncodedExample;
import org.albertspark.jobs.finetune.ExampleEncoder;
import org.albertspark.jobs.finetune.ModelSource;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;
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
          + "confusion matrix and mean loss, printed as a table (the format of albert baseline) and, with "
          + "--output, written as JSON.",
      "Texts are truncated to --max-seq-length tokens. The data's labels must be among the model's "
          + "(id2label); rows with a missing or blank text or label are skipped and counted."
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
      description = "Tokens per example incl. [CLS]/[SEP] (default: ${DEFAULT-VALUE}).")
  int maxSeqLength;

  @Option(
      names = "--batch",
      defaultValue = "32",
      paramLabel = "N",
      description = "Examples per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--workers",
      defaultValue = "1",
      paramLabel = "N",
      description = "Spark tasks the examples are shared among (default: ${DEFAULT-VALUE}).")
  int workers;

  @Mixin SparkOptions sparkOptions;

  @Mixin Progress progress;

  @Override
  public Integer call() throws Exception {
    if (maxSeqLength < 3 || batch < 1 || workers < 1) {
      throw new ParameterException(
          spec.commandLine(), "--max-seq-length must be >= 3, --batch and --workers positive");
    }
    data.formatOf(dataPath);
    PrintWriter err = spec.commandLine().getErr();
    AlbertModel classifier;
    ModelSource source = new ModelSource(model, null, null);
    try {
      source.check();
      classifier = ModelDirectory.load(model);
      if (!classifier.config().isSequenceClassification()) {
        throw new IllegalArgumentException(
            model
                + " is not a sequence classifier (architectures "
                + classifier.config().architectures()
                + "): fine-tune it with albert finetune first");
      }
      if (maxSeqLength > classifier.config().maxPositionEmbeddings()) {
        throw new IllegalArgumentException(
            "--max-seq-length exceeds the model's max_position_embeddings "
                + classifier.config().maxPositionEmbeddings());
      }
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
      LabelSet labels = new LabelSet(classifier.config().labels());
      rows.requireLabelsIn(labels);
      byte[] spm = java.nio.file.Files.readAllBytes(source.spiece());
      AlbertTokenizer tokenizer = new AlbertTokenizer(SentencePieceModel.fromBytes(spm));
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<EncodedExample> examples = ExampleEncoder.encode(sc, spm, rows, labels, maxSeqLength);
      progress.accept(String.format("tokenized %,d examples; scoring", examples.size()));
      ClassificationMetrics metrics =
          ClassifierEvaluation.evaluate(
              sc,
              classifier,
              labels.names(),
              ClassificationBatches.inOrder(examples, batch, tokenizer.padId(), maxSeqLength),
              workers);
      double seconds = (System.nanoTime() - t0) / 1e9;
      PrintWriter out = spec.commandLine().getOut();
      metrics.printTable(out, "albert eval of " + model + " on " + rows.report().path());
      if (output != null) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("command", "albert eval");
        json.put("model", model.toString());
        json.put("data", rows.report().path());
        json.put("rows", rows.report().usable());
        json.put("skipped", rows.report().skipped());
        json.put("max_seq_length", maxSeqLength);
        json.put("seconds", seconds);
        json.set("metrics", metrics.toJson());
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
