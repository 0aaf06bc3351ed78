package org.albertspark.jobs.score;

import java.util.Iterator;
import org.albertspark.jobs.cluster.MemoryPeak;
import org.albertspark.jobs.cluster.MemoryPeakAccumulator;
import org.albertspark.jobs.cluster.TaskThreads;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Scores one partition: each input row comes out once, in order, with the seven score columns
 * appended (prediction, confidence, probabilities, windows, error, model, truncated). Small and
 * serializable: the model itself comes from the executor's {@link ClassifierCache}.
 */
public final class ScorePartition implements MapPartitionsFunction<Row, Row> {

  private final ModelIdentity identity;
  private final ScoringOptions options;
  private final int textIndex;
  private final int pairIndex; // -1: single texts
  private final LongAccumulator rowsDone; // null: no progress reporting
  private final MemoryPeakAccumulator memoryPeak; // null: no memory report

  /**
   * {@code pairIndex} is the second text's column, or -1 for single texts; the JVM's memory is
   * sampled into {@code memoryPeak} when the partition ends (its buffers are then largest).
   */
  public ScorePartition(
      ModelIdentity identity,
      ScoringOptions options,
      int textIndex,
      int pairIndex,
      LongAccumulator rowsDone,
      MemoryPeakAccumulator memoryPeak) {
    this.identity = identity;
    this.options = options;
    this.textIndex = textIndex;
    this.pairIndex = pairIndex;
    this.rowsDone = rowsDone;
    this.memoryPeak = memoryPeak;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskThreads.useTaskCpus();
    DocumentScorer scorer =
        new DocumentScorer(ClassifierCache.get(identity), options, BatchPolicy.BUCKETED);
    Iterator<DocumentScorer.Scored<Row>> scored =
        scorer.score(rows, r -> r.get(textIndex), pairIndex < 0 ? null : r -> r.get(pairIndex));
    String model = identity.label();
    return new Iterator<>() {
      private boolean sampled;

      @Override
      public boolean hasNext() {
        boolean more = scored.hasNext();
        if (!more && memoryPeak != null && !sampled) {
          memoryPeak.add(MemoryPeak.sample());
          sampled = true;
        }
        return more;
      }

      @Override
      public Row next() {
        DocumentScorer.Scored<Row> s = scored.next();
        Row in = s.item();
        DocumentScorer.Result r = s.result();
        int n = in.length();
        Object[] values = new Object[n + 7];
        for (int i = 0; i < n; i++) {
          values[i] = in.get(i);
        }
        values[n] = r.prediction();
        values[n + 1] = r.confidence();
        values[n + 2] =
            r.probabilities() == null ? null : CollectionConverters.asScala(r.probabilities());
        values[n + 3] = r.windows();
        values[n + 4] = r.error();
        values[n + 5] = model;
        values[n + 6] = r.truncated();
        if (rowsDone != null) {
          rowsDone.add(1);
        }
        return RowFactory.create(values);
      }
    };
  }
}
