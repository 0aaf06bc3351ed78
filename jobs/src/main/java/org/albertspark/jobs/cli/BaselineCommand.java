package org.albertspark.jobs.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.albertspark.jobs.classify.ClassificationMetrics;
import org.albertspark.jobs.classify.FitProgress;
import org.albertspark.jobs.classify.JsonOutput;
import org.albertspark.jobs.classify.LabelSet;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.classify.TfidfBaseline;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code albert baseline}: TF-IDF + logistic regression on the same data as fine-tuning. */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train and evaluate the simple alternative: Spark MLlib TF-IDF over word uni+bigrams and "
          + "multinomial logistic regression.",
      "Reads labelled tables as albert finetune and albert eval do and prints the same metrics "
          + "(accuracy, macro-F1, per-class precision/recall/F1, confusion matrix), so the numbers sit side "
          + "by side. With --output, writes metrics.json and the fitted Spark ML PipelineModel (model/).",
      "Rows with a missing or blank text or label are skipped and counted, never dropped silently."
    })
public final class BaselineCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin TrainingDataOptions training;

  static final class Test {
    @Option(names = "--test", paramLabel = "PATH", description = "Labelled data to evaluate on.")
    String test;

    @Option(
        names = "--test-fraction",
        paramLabel = "F",
        description =
            "Instead: hold out this fraction of --train (seeded by --seed; the same rows albert "
                + "finetune --validation-fraction holds out).")
    Double testFraction;
  }

  @ArgGroup(multiplicity = "1")
  Test test;

  @Mixin LabelledDataOptions data;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Write metrics.json and the fitted pipeline (model/) here.")
  String output;

  @Option(names = "--overwrite", description = "Replace an existing --output.")
  boolean overwrite;

  @Option(
      names = "--features",
      defaultValue = "count",
      paramLabel = "KIND",
      description =
          "count: CountVectorizer vocabulary of terms in at least --min-df documents; hashing: "
              + "HashingTF into --num-features buckets (default: ${DEFAULT-VALUE}).")
  String features;

  @Option(
      names = "--num-features",
      defaultValue = "262144",
      paramLabel = "N",
      description =
          "count: keep the N terms most frequent in the training data; hashing: N buckets. Caps "
              + "the regression's size (N weights per class) and so its time and memory "
              + "(default: ${DEFAULT-VALUE} = 2^18).")
  int numFeatures;

  @Option(
      names = "--min-df",
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Minimum number of training documents a term occurs in (default: ${DEFAULT-VALUE}).")
  int minDf;

  @Option(
      names = "--reg-param",
      defaultValue = "1e-4",
      paramLabel = "X",
      description = "L2 regularization of the logistic regression (default: ${DEFAULT-VALUE}).")
  double regParam;

  @Option(
      names = "--max-iter",
      defaultValue = "200",
      paramLabel = "N",
      description = "L-BFGS iterations at most (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "N",
      description = "Seed of the --test-fraction split (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin SparkOptions sparkOptions;

  @Mixin Progress progress;

  @Mixin ProgressInterval progressInterval;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (!features.equals("count") && !features.equals("hashing")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--features must be count or hashing, not " + features);
    }
    TfidfBaseline.Settings settings;
    try {
      settings =
          new TfidfBaseline.Settings(
              features.equals("hashing"), numFeatures, minDf, regParam, maxIter);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    training.check(data, test.test, test.testFraction, "--test-fraction");
    Duration progressEvery = progressInterval.every();
    SparkSession spark = sparkOptions.sqlSession("albert baseline");
    spark.sparkContext().setLogLevel("WARN");
    try {
      if (output != null) {
        Path out = new Path(output);
        var fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.exists(out) && !overwrite) {
          throw new IllegalArgumentException(
              "output " + output + " exists (pass --overwrite to replace it)");
        }
      }
      long t0 = System.nanoTime();
      TrainingDataOptions.Parts parts =
          training.read(spark, data, test.test, test.testFraction, seed, progress);
      LabelledData trainData = parts.train();
      LabelledData testData = parts.heldOut();
      LabelSet labels = trainData.labelSet();
      testData.requireLabelsIn(labels);
      progress.accept(
          "fitting TF-IDF (uni+bigrams) + logistic regression on " + labels.size() + " classes");
      TfidfBaseline.Fitted fitted;
      int lossEvaluations;
      try (FitProgress fitProgress =
          new FitProgress(spark.sparkContext(), maxIter, progressEvery, progress)) {
        fitted = TfidfBaseline.fit(trainData, labels, settings);
        lossEvaluations = fitProgress.lossEvaluations();
      }
      PipelineModel model = fitted.model();
      double fitSeconds = (System.nanoTime() - t0) / 1e9;
      progress.accept(
          String.format(
              "fitted in %.1fs: %d L-BFGS iterations (at most --max-iter %d), %d loss evaluations",
              fitSeconds, fitted.iterations(), maxIter, lossEvaluations));
      ClassificationMetrics metrics = TfidfBaseline.evaluate(model, testData, labels);
      double seconds = (System.nanoTime() - t0) / 1e9;
      PrintWriter out = spec.commandLine().getOut();
      metrics.printTable(
          out,
          "baseline (TF-IDF uni+bigrams + logistic regression) on " + testData.report().path());
      if (output != null) {
        model.write().overwrite().save(output + "/model");
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("command", "albert baseline");
        json.put("train", trainData.report().path());
        json.put("test", testData.report().path());
        json.put("train_rows", trainData.report().usable());
        json.put("train_skipped", trainData.report().skipped());
        json.put("test_rows", testData.report().usable());
        json.put("test_skipped", testData.report().skipped());
        ObjectNode s = json.putObject("settings");
        s.put("features", features);
        s.put("num_features", numFeatures);
        s.put("min_df", minDf);
        s.put("reg_param", regParam);
        s.put("max_iter", maxIter);
        if (test.testFraction != null) {
          s.put("test_fraction", test.testFraction);
          s.put("seed", seed);
        }
        json.put("iterations", fitted.iterations());
        json.put("fit_seconds", fitSeconds);
        json.put("seconds", seconds);
        json.set("metrics", metrics.toJson());
        JsonOutput.write(
            spark.sparkContext().hadoopConfiguration(), output + "/metrics.json", json);
        progress.accept("wrote " + output + "/metrics.json and " + output + "/model");
      }
      progress.accept(String.format("done in %.1fs (fit %.1fs)", seconds, fitSeconds));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("albert baseline: " + e.getMessage());
      err.flush();
      return 2;
    } finally {
      spark.stop();
    }
  }
}
