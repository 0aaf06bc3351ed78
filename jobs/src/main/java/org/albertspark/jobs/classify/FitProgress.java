package org.albertspark.jobs.classify;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerStageCompleted;

/**
 * Progress of an MLlib fit, which reports nothing while it runs: every interval, the time so far,
 * the Spark jobs done and the logistic regression's loss evaluations (each L-BFGS iteration
 * evaluates the loss and gradient over the data at least once, as one {@code treeAggregate} stage
 * of {@code RDDLossFunction}; a line search can take more).
 */
public final class FitProgress extends SparkListener implements AutoCloseable {

  /** How MLlib names the stage of one loss-and-gradient evaluation. */
  static final String LOSS_STAGE = "treeAggregate at RDDLossFunction";

  private final SparkContext sc;
  private final AtomicInteger jobs = new AtomicInteger();
  private final AtomicInteger lossEvaluations = new AtomicInteger();
  private final long startNanos = System.nanoTime();
  private final int maxIter;
  private final Thread printer;

  /** Starts printing every {@code every} to {@code out}. */
  public FitProgress(SparkContext sc, int maxIter, Duration every, Consumer<String> out) {
    this.sc = sc;
    this.maxIter = maxIter;
    sc.addSparkListener(this);
    printer =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(every.toMillis());
                  out.accept(line());
                }
              } catch (InterruptedException e) {
                // closed
              }
            },
            "albert-fit-progress");
    printer.setDaemon(true);
    printer.start();
  }

  /** Loss-and-gradient evaluations finished so far. */
  public int lossEvaluations() {
    return lossEvaluations.get();
  }

  /** "fitting for 0:01:35: 23 Spark jobs done, 14 loss evaluations (L-BFGS, at most 100 ...)". */
  String line() {
    long s = (System.nanoTime() - startNanos) / 1_000_000_000L;
    return String.format(
        "fitting for %d:%02d:%02d: %,d Spark jobs done, %,d loss evaluations (L-BFGS, at most"
            + " --max-iter %d iterations)",
        s / 3600, s / 60 % 60, s % 60, jobs.get(), lossEvaluations.get(), maxIter);
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

  @Override
  public void close() {
    printer.interrupt();
    sc.removeSparkListener(this);
  }
}
