package org.albertspark.jobs.score;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.albertspark.jobs.classify.ClassificationMetrics;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.cluster.TaskThreads;
import org.albertspark.jobs.train.DataParallelEngine;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.prep.util.Broadcasts;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * A classifier's metrics on labelled rows, scored on the executors by the {@link DocumentScorer} of
 * {@code albert score} and the Transformer: the same windows (a long document is scored window by
 * window and its logits aggregated, never truncated silently), the same text-pair encoding, the
 * same batching. Each of at most {@code workers} tasks tallies its rows (confusion counts, the
 * negative log-likelihood of the true label under the aggregated probabilities, window counts, rows
 * that could not be scored by reason); the driver adds the tallies.
 *
 * <p>Used by {@code albert eval} (a model directory the driver loads) and by fine-tuning's
 * per-epoch validation (the model being trained): both broadcast the parameters, so the eval of the
 * kept epoch reproduces its validation.
 */
public final class ClassifierEvaluation {

  private ClassifierEvaluation() {}

  /**
   * What an evaluation measured: the metrics over the scored rows, the windows they took (total,
   * documents with more than one, documents truncated at max-windows or pairs whose first text was
   * cut), and the rows that could not be scored, by reason (see {@link DocumentText}).
   */
  public record Outcome(
      ClassificationMetrics metrics,
      long windows,
      long multiWindowDocuments,
      long truncatedDocuments,
      long errors,
      Map<String, Long> errorsByReason) {

    /** One line for the console. */
    public String summary() {
      return String.format(
          "windows: %,d (%,d documents with more than one window, %,d truncated); rows not scored:"
              + " %,d%s",
          windows,
          multiWindowDocuments,
          truncatedDocuments,
          errors,
          errors == 0 ? "" : " " + errorsByReason);
    }

    /** Adds the counts to a JSON report. */
    public void addTo(ObjectNode json) {
      json.put("windows", windows);
      json.put("multi_window_documents", multiWindowDocuments);
      json.put("truncated_documents", truncatedDocuments);
      json.put("errors", errors);
      ObjectNode reasons = json.putObject("errors_by_reason");
      errorsByReason.forEach(reasons::put);
    }
  }

  /** One task's counts. */
  private static final class Tally implements Serializable {
    final long[][] confusion;
    double nll;
    long scored, windows, multiWindow, truncated, errors;
    final TreeMap<String, Long> reasons = new TreeMap<>();

    Tally(int classes) {
      confusion = new long[classes][classes];
    }

    void add(int label, DocumentScorer.Result r, List<String> labels) {
      if (r.error() != null) {
        errors++;
        reasons.merge(DocumentText.reasonOf(r.error()), 1L, Long::sum);
        return;
      }
      int best = 0;
      double[] p = new double[labels.size()];
      for (int j = 0; j < p.length; j++) {
        p[j] = r.probabilities().get(labels.get(j));
        if (p[j] > p[best]) {
          best = j;
        }
      }
      confusion[label][best]++;
      nll -= Math.log(Math.max(p[label], Double.MIN_NORMAL));
      scored++;
      windows += r.windows();
      multiWindow += r.windows() > 1 ? 1 : 0;
      truncated += Boolean.TRUE.equals(r.truncated()) ? 1 : 0;
    }

    Tally plus(Tally o) {
      for (int i = 0; i < confusion.length; i++) {
        for (int j = 0; j < confusion.length; j++) {
          confusion[i][j] += o.confusion[i][j];
        }
      }
      nll += o.nll;
      scored += o.scored;
      windows += o.windows;
      multiWindow += o.multiWindow;
      truncated += o.truncated;
      errors += o.errors;
      o.reasons.forEach((k, v) -> reasons.merge(k, v, Long::sum));
      return this;
    }
  }

  /**
   * Evaluates {@code model} as it is now ({@code albert eval}, fine-tuning's validation): its
   * parameters are broadcast and every task scores with a copy; {@code spieceModel} is its
   * SentencePiece model's bytes. The data's labels must be among the model's (see {@link
   * LabelledData#requireLabelsIn}). Rows scored, docs/s and ETA go to {@code progress} every {@code
   * progressEvery} while the job runs (a long evaluation is not silent). IllegalArgumentException
   * for a multi-label model (these metrics are single-label ones) or options the model cannot take.
   */
  public static Outcome evaluate(
      JavaSparkContext sc,
      AlbertModel model,
      byte[] spieceModel,
      LabelledData data,
      ScoringOptions options,
      int workers,
      Consumer<String> progress,
      Duration progressEvery) {
    LoadedClassifier.checkClassifier(model.config());
    if (LoadedClassifier.MULTI_LABEL.equals(model.config().problemType())) {
      throw new IllegalArgumentException(
          "a multi-label model (problem_type "
              + LoadedClassifier.MULTI_LABEL
              + "): accuracy, macro-F1 and the confusion matrix here are single-label measures");
    }
    options.check(model.config());
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be positive, got " + workers);
    }
    String configJson = model.config().toJson();
    ParameterLayout.Head head = model.head();
    List<String> labels = new ArrayList<>(model.config().labels()); // travels in the closure
    boolean pairs = data.hasTextPair();
    JavaRDD<Row> rows = data.rows().toJavaRDD();
    if (rows.getNumPartitions() > workers) {
      rows = rows.coalesce(workers); // no shuffle: the same rows in the same order per task
    }
    Broadcast<float[]> params = sc.broadcast(DataParallelEngine.toHeap(model.parameters()));
    Broadcast<byte[]> spm = sc.broadcast(spieceModel);
    LongAccumulator scoredNow = sc.sc().longAccumulator("albert eval rows");
    List<Tally> parts;
    try (ScoreProgress shown =
        new ScoreProgress(sc.sc(), scoredNow, data.report().usable(), progressEvery, progress)) {
      parts =
          rows.mapPartitions(
                  (Iterator<Row> it) -> {
                    TaskThreads.useTaskCpus();
                    AlbertConfig config = AlbertConfig.fromJson(configJson);
                    FlatTensors p = FlatTensors.zeros(ParameterLayout.of(config, head));
                    DataParallelEngine.floats(p).put(0, params.value());
                    LoadedClassifier classifier =
                        new LoadedClassifier(
                            new AlbertModel(config, head, p),
                            new AlbertTokenizer(SentencePieceModel.fromBytes(spm.value())));
                    Map<String, Integer> ids = new TreeMap<>();
                    for (int i = 0; i < labels.size(); i++) {
                      ids.put(labels.get(i), i);
                    }
                    Tally t = new Tally(labels.size());
                    new DocumentScorer(classifier, options, BatchPolicy.BUCKETED)
                        .score(it, r -> r.get(0), pairs ? r -> r.get(1) : null)
                        .forEachRemaining(
                            s -> {
                              Integer label = ids.get(s.item().getString(2));
                              if (label == null) {
                                throw new IllegalArgumentException(
                                    "label " + s.item().getString(2) + " is not the model's");
                              }
                              t.add(label, s.result(), labels);
                              scoredNow.add(1);
                            });
                    List<Tally> out = new ArrayList<>(1);
                    out.add(t);
                    return out.iterator();
                  })
              .collect();
    } finally {
      Broadcasts.destroy(params);
      Broadcasts.destroy(spm);
    }
    Tally total = new Tally(labels.size());
    for (Tally t : parts) {
      total.plus(t);
    }
    if (total.scored == 0) {
      throw new IllegalArgumentException(
          "no row could be scored: " + total.errors + " errors " + total.reasons);
    }
    return new Outcome(
        new ClassificationMetrics(
            labels, total.confusion, OptionalDouble.of(total.nll / total.scored)),
        total.windows,
        total.multiWindow,
        total.truncated,
        total.errors,
        total.reasons);
  }
}
