package org.albertspark.jobs.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.finetune.FineTuneJob;
import org.albertspark.jobs.finetune.FineTuning;
import org.albertspark.jobs.finetune.ModelSource;
import org.albertspark.model.io.ModelDirectory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code albert finetune}: a sequence classifier from a model and labelled data. */
@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fine-tune ALBERT (encoder and classification head) on labelled data.",
      "Starts from a model directory (--model: pretrained here, e.g. a pretraining run's final/, or a "
          + "HuggingFace ALBERT directory with its spiece.model) or from random weights (--init-config "
          + "with --spm-model). Trains with the synchronous data-parallel engine of albert pretrain "
          + "(--workers Spark tasks per step; the result does not depend on their number), AdamW, linear "
          + "warmup then linear decay, the config's dropout and classifier dropout, seeded shuffling. "
          + "Validates after each epoch (accuracy, macro-F1, loss) and keeps the best epoch; "
          + "validation scores as albert eval --max-seq-length T does (a validation text longer than "
          + "T in windows of T, stride 64 or (T-2)/2 for T <= 66, logits averaged), so albert eval of the "
          + "output on the validation data gives the kept epoch's figures.",
      "Writes a HuggingFace model directory: config.json (AlbertForSequenceClassification, num_labels, "
          + "id2label, label2id), model.safetensors, spiece.model, albert_provenance.json (data, flags, "
          + "metrics) and finetune_metrics.json. Rows with a missing or blank text or label are skipped "
          + "and counted."
    })
public final class FinetuneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  static final class Start {
    @Option(
        names = "--model",
        paramLabel = "DIR",
        description =
            "Model directory to start from (config.json, model.safetensors, spiece.model).")
    Path model;

    @Option(
        names = "--init-config",
        paramLabel = "CONFIG|PRESET",
        description =
            "Start from random weights of this shape instead: a config.json or a preset (albert-base-v2, "
                + "...); needs --spm-model.")
    String initConfig;
  }

  @ArgGroup(multiplicity = "1")
  Start start;

  @Option(
      names = "--spm-model",
      paramLabel = "FILE",
      description =
          "SentencePiece model (default: the --model directory's spiece.model); copied into --output.")
  Path spmModel;

  @Mixin TrainingDataOptions training;

  static final class Validation {
    @Option(names = "--validation", paramLabel = "PATH", description = "Labelled validation data.")
    String path;

    @Option(
        names = "--validation-fraction",
        paramLabel = "F",
        description =
            "Instead: hold out this fraction of --train, by a hash of each row and --seed (the rows "
                + "albert baseline --test-fraction holds out).")
    Double fraction;
  }

  @ArgGroup(multiplicity = "0..1")
  Validation validation;

  @Mixin LabelledDataOptions data;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "Model directory to write.")
  Path output;

  @Option(names = "--overwrite", description = "Replace a model already in --output.")
  boolean overwrite;

  @Option(
      names = "--epochs",
      defaultValue = "3",
      paramLabel = "N",
      description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--lr",
      defaultValue = "3e-5",
      paramLabel = "X",
      description =
          "Peak learning rate (default: ${DEFAULT-VALUE}; from random weights 1e-4 or more).")
  double lr;

  @Option(
      names = "--batch",
      defaultValue = "32",
      paramLabel = "N",
      description = "Examples per step, over all workers (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--micro-batch",
      defaultValue = "8",
      paramLabel = "N",
      description =
          "Examples per forward/backward pass; --batch must be a multiple of --micro-batch x --workers "
              + "(default: ${DEFAULT-VALUE}).")
  int microBatch;

  @Option(
      names = "--max-seq-length",
      defaultValue = "128",
      paramLabel = "T",
      description =
          "Tokens per example incl. [CLS]/[SEP]; a longer text gives --train-windows windows "
              + "(the first is the text truncated, longest first for pairs); batches are padded "
              + "only to their longest example (default: ${DEFAULT-VALUE}).")
  int maxSeqLength;

  @Option(
      names = "--train-windows",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Windows a training text longer than --max-seq-length gives, each an example with its "
              + "label: the first N of the windows albert eval scores it through (overlapping by "
              + "64 tokens, or half the window when that does not fit); 1 = the text truncated, "
              + "0 = all. The log counts the texts cut (default: ${DEFAULT-VALUE}).")
  int trainWindows;

  @Option(
      names = "--workers",
      defaultValue = "1",
      paramLabel = "N",
      description = "Data-parallel workers (Spark tasks per step) (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "N",
      description =
          "Seed of shuffling, dropout, the validation split and fresh weights (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--warmup",
      defaultValue = "0.1",
      paramLabel = "F",
      description = "Fraction of the steps with linear warmup (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.01",
      paramLabel = "X",
      description = "AdamW weight decay, not on LayerNorm or biases (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(
      names = "--clip-norm",
      defaultValue = "1.0",
      paramLabel = "X",
      description = "Global gradient-norm clip; 0 disables (default: ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(
      names = "--classifier-dropout",
      paramLabel = "P",
      description =
          "Dropout before the classifier (default: the config's classifier_dropout_prob).")
  Double classifierDropout;

  @Option(
      names = "--select-by",
      defaultValue = "accuracy",
      paramLabel = "METRIC",
      description =
          "Validation figure that picks the kept epoch: accuracy, macro_f1 or loss (default: ${DEFAULT-VALUE}).")
  FineTuning.Selection selectBy;

  @Mixin SparkOptions sparkOptions;

  @Mixin Progress progress;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    FineTuning.Settings settings;
    ModelSource source;
    try {
      settings =
          new FineTuning.Settings(
              epochs,
              lr,
              batch,
              microBatch,
              maxSeqLength,
              workers,
              seed,
              warmup,
              weightDecay,
              clipNorm,
              selectBy,
              trainWindows);
      source = new ModelSource(start.model, start.initConfig, spmModel);
      if (classifierDropout != null && !(classifierDropout >= 0 && classifierDropout < 1)) {
        throw new IllegalArgumentException("--classifier-dropout must be in [0, 1)");
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String validationPath = validation == null ? null : validation.path;
    Double validationFraction = validation == null ? null : validation.fraction;
    training.check(data, validationPath, validationFraction, "--validation-fraction");
    try {
      if (Files.exists(output.resolve(ModelDirectory.WEIGHTS)) && !overwrite) {
        throw new IllegalArgumentException(
            output + " already holds a model (use --overwrite to replace it)");
      }
      source.check(); // before Spark starts and any data is read
    } catch (IllegalArgumentException e) {
      err.println("albert finetune: " + e.getMessage());
      err.flush();
      return 2;
    }
    SparkSession spark = sparkOptions.sqlSession("albert finetune");
    spark.sparkContext().setLogLevel("WARN");
    try {
      TrainingDataOptions.Parts parts =
          training.read(spark, data, validationPath, validationFraction, seed, progress);
      LabelledData trainData = parts.train();
      LabelledData validationData = parts.heldOut();
      if (validationData == null) {
        progress.accept("no --validation: the last epoch is kept");
      }
      FineTuneJob.Outcome outcome =
          FineTuneJob.run(
              spark,
              source,
              trainData,
              validationData,
              null, // validated as albert eval --max-seq-length T (default windows) scores
              settings,
              classifierDropout,
              output,
              flags(),
              progress);
      PrintWriter out = spec.commandLine().getOut();
      FineTuning.EpochResult kept = outcome.result().epochs().get(outcome.result().keptEpoch() - 1);
      if (kept.validation() != null) {
        kept.validation()
            .printTable(
                out,
                "albert finetune, epoch "
                    + kept.epoch()
                    + " of "
                    + epochs
                    + ", on "
                    + validationData.report().path());
      }
      out.printf(
          "wrote %s: %d labels, epoch %d kept, %.1f training examples/s%n",
          output, outcome.labels().size(), kept.epoch(), kept.examplesPerSecond());
      out.flush();
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("albert finetune: " + e.getMessage());
      err.flush();
      return 2;
    } finally {
      spark.stop();
    }
  }

  /** The flags as given, for the provenance. */
  private Map<String, String> flags() {
    Map<String, String> f = new LinkedHashMap<>();
    for (var o : spec.commandLine().getParseResult().matchedOptions()) {
      f.put(o.longestName().replaceFirst("^--", ""), String.valueOf((Object) o.getValue()));
    }
    f.putIfAbsent("epochs", Integer.toString(epochs));
    f.putIfAbsent("lr", Double.toString(lr));
    f.putIfAbsent("batch", Integer.toString(batch));
    f.putIfAbsent("micro-batch", Integer.toString(microBatch));
    f.putIfAbsent("max-seq-length", Integer.toString(maxSeqLength));
    f.putIfAbsent("workers", Integer.toString(workers));
    f.putIfAbsent("seed", Long.toString(seed));
    f.putIfAbsent("warmup", Double.toString(warmup));
    f.putIfAbsent("weight-decay", Double.toString(weightDecay));
    f.putIfAbsent("clip-norm", Double.toString(clipNorm));
    f.putIfAbsent("train-windows", Integer.toString(trainWindows));
    return f;
  }
}
