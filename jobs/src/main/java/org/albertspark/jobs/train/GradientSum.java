package org.albertspark.jobs.train;

import java.io.Serializable;
import org.albertspark.jobs.cluster.MemoryPeak;
import org.albertspark.model.train.TrainMetrics;

/**
 * The sum of consecutive workers' results, in double, added in worker order: the gradient, the
 * metrics, the slowest forward + backward time and the largest memory peak. A step sums every
 * worker into one on the driver, or first per group of workers on the executors (a fixed-order
 * tree, see {@link DataParallelEngine}).
 */
final class GradientSum implements Serializable {

  private final double[] gradient;
  private int firstMicroBatch = Integer.MAX_VALUE;
  private TrainMetrics metrics = TrainMetrics.NONE;
  private long computeNanos;
  private MemoryPeak.Sample memory = MemoryPeak.Sample.NONE;

  GradientSum(int parameters) {
    this.gradient = new double[parameters];
  }

  /** Adds the next worker's result (callers add in worker order). */
  void add(WorkerResult r) {
    float[] g = r.gradients();
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] += g[i];
    }
    firstMicroBatch = Math.min(firstMicroBatch, r.firstMicroBatch());
    metrics = metrics.plus(r.metrics());
    computeNanos = Math.max(computeNanos, r.computeNanos());
    memory = memory.max(r.memory());
  }

  /** Adds the next group's sum (callers add in group order). */
  void add(GradientSum s) {
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] += s.gradient[i];
    }
    firstMicroBatch = Math.min(firstMicroBatch, s.firstMicroBatch);
    metrics = metrics.plus(s.metrics);
    computeNanos = Math.max(computeNanos, s.computeNanos);
    memory = memory.max(s.memory);
  }

  double[] gradient() {
    return gradient;
  }

  int firstMicroBatch() {
    return firstMicroBatch;
  }

  TrainMetrics metrics() {
    return metrics;
  }

  long computeNanos() {
    return computeNanos;
  }

  MemoryPeak.Sample memory() {
    return memory;
  }
}
