package org.albertspark.jobs.finetune;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalDouble;
import org.albertspark.jobs.classify.ClassificationMetrics;
import org.albertspark.jobs.cluster.TaskThreads;
import org.albertspark.jobs.train.DataParallelEngine;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.nn.AlbertNetwork;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.nn.Losses;
import org.albertspark.model.nn.Workspace;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.tensor.Slice;
import org.albertspark.prep.util.Broadcasts;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A classifier's metrics on labelled micro-batches, computed on the executors: the parameters are
 * broadcast, each of {@code workers} tasks runs the model in eval mode (no dropout) on its share of
 * the batches and returns its confusion counts and loss sum; the driver adds them.
 */
public final class ClassifierEvaluation {

  private ClassifierEvaluation() {}

  /** Confusion counts and cross-entropy sum of one task. */
  private record Partial(long[][] confusion, double lossSum, long lossCount)
      implements Serializable {}

  public static ClassificationMetrics evaluate(
      JavaSparkContext sc,
      AlbertModel model,
      List<String> labels,
      List<Batch> batches,
      int workers) {
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("nothing to evaluate");
    }
    String configJson = model.config().toJson();
    ParameterLayout.Head head = model.head();
    int k = labels.size();
    Broadcast<float[]> params = sc.broadcast(DataParallelEngine.toHeap(model.parameters()));
    List<Partial> parts;
    try {
      parts =
          sc.parallelize(batches, Math.max(1, Math.min(workers, batches.size())))
              .mapPartitions(
                  (Iterator<Batch> it) -> {
                    TaskThreads.useTaskCpus();
                    AlbertConfig config = AlbertConfig.fromJson(configJson);
                    FlatTensors p = FlatTensors.zeros(ParameterLayout.of(config, head));
                    DataParallelEngine.floats(p).put(0, params.value());
                    AlbertModel m = new AlbertModel(config, head, p);
                    long[][] confusion = new long[k][k];
                    double loss = 0;
                    long count = 0;
                    Workspace ws = null;
                    while (it.hasNext()) {
                      Batch b = it.next();
                      if (ws == null
                          || ws.batchSize() != b.batchSize()
                          || ws.seqLength() != b.seqLength()) {
                        ws = null;
                        ws = Workspace.forInference(config, head, b.batchSize(), b.seqLength());
                      }
                      Losses l = AlbertNetwork.forward(m, b, ws, 0);
                      loss += l.clsSum();
                      count += l.clsCount();
                      Slice logits = ws.headLogits();
                      for (int r = 0; r < b.batchSize(); r++) {
                        if (b.labels()[r] >= 0) {
                          confusion[b.labels()[r]][argmax(logits, r, k)]++;
                        }
                      }
                    }
                    List<Partial> out = new ArrayList<>(1);
                    out.add(new Partial(confusion, loss, count));
                    return out.iterator();
                  })
              .collect();
    } finally {
      Broadcasts.destroy(params);
    }
    long[][] confusion = new long[k][k];
    double loss = 0;
    long count = 0;
    for (Partial p : parts) {
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          confusion[i][j] += p.confusion()[i][j];
        }
      }
      loss += p.lossSum();
      count += p.lossCount();
    }
    return new ClassificationMetrics(
        labels, confusion, count == 0 ? OptionalDouble.empty() : OptionalDouble.of(loss / count));
  }

  /** The class with the largest logit in row {@code r} (the first on a tie). */
  static int argmax(Slice logits, int r, int k) {
    long base = (long) r * k;
    int best = 0;
    float max = logits.get(base);
    for (int c = 1; c < k; c++) {
      float x = logits.get(base + c);
      if (x > max) {
        max = x;
        best = c;
      }
    }
    return best;
  }
}
