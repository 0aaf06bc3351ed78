package org.albertspark.jobs.classify;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.albertspark.jobs.cluster.PeriodicProgress;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerStageCompleted;

/**
 * Progress of an MLlib fit, which reports nothing while it runs: every interval, the time so far,
 * the Spark jobs done and the logistic regression's loss evaluations (each L-BFGS iteration
 * evaluates the loss and gradient over the data at least once, as one {@code treeAggregate} stage
 * of {@code RDDLossFunction}; a line search can take more).
 */
public final class FitProgress extends PeriodicProgress {

  /** How MLlib names the stage of one loss-and-gradient evaluation. */
  static final String LOSS_STAGE = "treeAggregate at RDDLossFunction";

  private final AtomicInteger jobs = new AtomicInteger();
  private final AtomicInteger lossEvaluations = new AtomicInteger();
  private final int maxIter;

  /** Starts printing every {@code every} to {@code out}. */
  public FitProgress(SparkContext sc, int maxIter, Duration every, Consumer<String> out) {
    super(sc, every, out);
    this.maxIter = maxIter;
    start();
  }

  /** Loss-and-gradient evaluations finished so far. */
  public int lossEvaluations() {
    return lossEvaluations.get();
  }

  /** "fitting for 0:01:35: 23 Spark jobs done, 14 loss evaluations (L-BFGS, at most 100 ...)". */
  @Override
  protected String line() {
    return String.format(
        "fitting for %s: %,d Spark jobs done, %,d loss evaluations (L-BFGS, at most --max-iter %d"
            + " iterations)",
        hms((long) seconds()), jobs.get(), lossEvaluations.get(), maxIter);
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    jobs.incrementAndGet();
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted done) {
    if (done.stageInfo().failureReason().isEmpty()
        && done.stageInfo().name().startsWith(LOSS_STAGE)) {
      lossEvaluations.incrementAndGet();
    }
  }
}
