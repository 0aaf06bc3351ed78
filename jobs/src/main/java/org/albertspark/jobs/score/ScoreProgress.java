package org.albertspark.jobs.score;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.albertspark.jobs.cluster.PeriodicProgress;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Rows scored, documents per second and time left, printed every few seconds while a scoring job
 * runs. Counts finished tasks through the accumulator and running ones through the executors'
 * heartbeats (every spark.executor.heartbeatInterval, 10 s by default), so a long task shows
 * progress before it ends.
 */
public final class ScoreProgress extends PeriodicProgress {

  private final LongAccumulator rows;
  private final long total;
  private final Map<Long, Long> running = new ConcurrentHashMap<>();

  /** Starts printing every {@code every} to {@code out}; {@code total} = rows to score. */
  public ScoreProgress(
      SparkContext sc, LongAccumulator rows, long total, Duration every, Consumer<String> out) {
    super(sc, every, out);
    this.rows = rows;
    this.total = total;
    start();
  }

  /** Rows scored so far, finished and running tasks together. */
  public long done() {
    long d = rows.value();
    for (long v : running.values()) {
      d += v;
    }
    return Math.min(d, total);
  }

  /** "scored 1,234 / 5,000 rows (24.7%), 41.2 docs/s, ETA 0:01:31". */
  @Override
  protected String line() {
    long d = done();
    double rate = d / Math.max(seconds(), 1e-9);
    String eta = rate > 0 ? hms((long) ((total - d) / rate)) : "unknown";
    return String.format(
        "scored %,d / %,d rows (%.1f%%), %.1f docs/s, ETA %s",
        d, total, total == 0 ? 100.0 : 100.0 * d / total, rate, eta);
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (var u : CollectionConverters.asJava(update.accumUpdates())) {
      long taskId = (Long) u._1();
      for (AccumulableInfo info : CollectionConverters.asJava(u._4())) {
        if (info.id() == rows.id() && info.update().isDefined()) {
          running.put(taskId, ((Number) info.update().get()).longValue());
        }
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    running.remove(end.taskInfo().taskId());
  }
}
