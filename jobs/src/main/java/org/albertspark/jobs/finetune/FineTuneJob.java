package org.albertspark.jobs.finetune;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.albertspark.jobs.classify.JsonOutput;
import org.albertspark.jobs.classify.LabelSet;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.score.ScoringOptions;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.provenance.Provenance;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One fine-tuning run end to end, shared by {@code albert finetune} and {@link
 * org.albertspark.jobs.ml.AlbertClassifier}: labels from the training data, examples tokenized on
 * the executors, {@link FineTuning}, and the kept model written as a HuggingFace model directory
 * ({@code AlbertForSequenceClassification}, num_labels, id2label, label2id, spiece.model) with
 * provenance (data, settings, every epoch's metrics) in albert_provenance.json and the metrics in
 * finetune_metrics.json.
 */
public final class FineTuneJob {

  /** Name of the per-epoch metrics file in the output directory. */
  public static final String METRICS = "finetune_metrics.json";

  private FineTuneJob() {}

  /** What the run produced. */
  public record Outcome(FineTuning.Result result, LabelSet labels, ObjectNode metrics) {}

  /**
   * Runs it. {@code validation} may be null (the last epoch is kept); it is scored with {@code
   * validationScoring} (null: {@link ScoringOptions#defaults} for the training length), what the
   * fine-tuned model scores with. {@code flags} are recorded in the provenance as given. Problems
   * with the inputs are IllegalArgumentExceptions, raised before training starts.
   */
  public static Outcome run(
      SparkSession spark,
      ModelSource source,
      LabelledData train,
      LabelledData validation,
      ScoringOptions validationScoring,
      FineTuning.Settings settings,
      Double classifierDropout,
      Path output,
      Map<String, String> flags,
      Consumer<String> progress)
      throws IOException {
    source.check();
    LabelSet labels = train.labelSet();
    if (validation != null) {
      validation.requireLabelsIn(labels);
    }
    progress.accept(
        "labels ("
            + labels.size()
            + "): "
            + String.join(", ", labels.names())
            + "; "
            + train.report().labelCounts());
    AlbertModel model = source.build(labels.names(), classifierDropout, settings.seed());
    if (settings.maxSeqLength() > model.config().maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "--max-seq-length "
              + settings.maxSeqLength()
              + " exceeds the model's max_position_embeddings "
              + model.config().maxPositionEmbeddings());
    }
    ScoringOptions scoring =
        validationScoring != null
            ? validationScoring
            : ScoringOptions.defaults(settings.maxSeqLength());
    scoring.check(model.config());
    byte[] spm = Files.readAllBytes(source.spiece());
    AlbertTokenizer tokenizer = new AlbertTokenizer(SentencePieceModel.fromBytes(spm));
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long t0 = System.nanoTime();
    ExampleEncoder.Encoded encoded =
        ExampleEncoder.encode(
            sc,
            spm,
            train,
            labels,
            settings.maxSeqLength(),
            scoring.stride(),
            settings.trainWindows());
    List<EncodedExample> trainExamples = encoded.examples();
    progress.accept(
        String.format(
            "tokenized %,d training examples from %,d rows in %.1fs (mean length %.1f tokens); %,d rows"
                + " longer than one window of %d%s",
            trainExamples.size(),
            encoded.rows(),
            (System.nanoTime() - t0) / 1e9,
            trainExamples.stream().mapToInt(EncodedExample::length).average().orElse(0),
            encoded.multiWindow(),
            settings.maxSeqLength(),
            encoded.cut() == 0
                ? ", every window used"
                : String.format(
                    ", %,d of them cut after %s (--train-windows)",
                    encoded.cut(),
                    settings.trainWindows() == 1
                        ? "their first window"
                        : settings.trainWindows() + " windows")));

    FineTuning.Result result =
        FineTuning.run(
            sc,
            model,
            tokenizer,
            trainExamples,
            validation == null ? null : new FineTuning.Validation(validation, spm, scoring),
            settings,
            progress);

    ObjectNode metrics = metricsJson(result, train, encoded, settings, validation, scoring);
    Map<String, Object> recorded = new LinkedHashMap<>(flags);
    recorded.put("labels", labels.names());
    recorded.put("kept_epoch", result.keptEpoch());
    recorded.put("metrics", metrics);
    Provenance.Builder provenance =
        Provenance.builder("albert finetune")
            .input(source.describe(), null, -1)
            .input(train.report().path(), null, -1);
    if (validation != null) {
      provenance.input(validation.report().path(), null, -1);
    }
    ModelDirectory.save(
        output, result.model(), source.spiece(), provenance.flags(recorded).build());
    JsonOutput.write(
        spark.sparkContext().hadoopConfiguration(),
        output.resolve(METRICS).toAbsolutePath().toUri().toString(),
        metrics);
    progress.accept("wrote " + output + " (epoch " + result.keptEpoch() + ")");
    return new Outcome(result, labels, metrics);
  }

  private static ObjectNode metricsJson(
      FineTuning.Result r,
      LabelledData train,
      ExampleEncoder.Encoded encoded,
      FineTuning.Settings settings,
      LabelledData validation,
      ScoringOptions scoring) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("train", train.report().path());
    o.put("train_rows", train.report().usable());
    o.put("train_skipped", train.report().skipped());
    o.put("train_windows", settings.trainWindows());
    o.put("train_examples", encoded.examples().size());
    o.put("train_multi_window_rows", encoded.multiWindow());
    o.put("train_rows_cut", encoded.cut());
    if (validation != null) {
      o.put("validation", validation.report().path());
      o.put("validation_rows", validation.report().usable());
      o.put("validation_skipped", validation.report().skipped());
      ObjectNode how = o.putObject("validation_scoring");
      how.put("max_seq_length", scoring.maxSeqLength());
      how.put("stride", scoring.stride());
      how.put("aggregate", scoring.aggregate().name().toLowerCase(java.util.Locale.ROOT));
      how.put("max_windows", scoring.maxWindows());
    }
    o.put("kept_epoch", r.keptEpoch());
    ArrayNode epochs = o.putArray("epochs");
    for (FineTuning.EpochResult e : r.epochs()) {
      ObjectNode n = epochs.addObject();
      n.put("epoch", e.epoch());
      n.put("steps", e.steps());
      n.put("train_loss", e.trainLoss());
      n.put("train_accuracy", e.trainAccuracy());
      n.put("seconds", e.seconds());
      n.put("examples_per_second", e.examplesPerSecond());
      n.put("worker_peak_offheap_bytes", e.workerMemory().offHeapBytes());
      n.put("worker_peak_rss_bytes", e.workerMemory().rssBytes());
      if (e.validation() != null) {
        n.set("validation", e.validation().toJson());
      }
    }
    return o;
  }
}
