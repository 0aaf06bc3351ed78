package org.albertspark.jobs.train;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.albertspark.jobs.cluster.MemoryPeak;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.nn.LossScale;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.train.ParameterUpdate;
import org.albertspark.model.train.TrainMetrics;
import org.albertspark.model.train.TrainStep;
import org.albertspark.prep.util.Broadcasts;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data-parallel training on Spark, one Spark job per step, coordinated by the driver.
 * The driver holds the parameters and the optimizer. Each step it broadcasts the parameters, runs
 * one task per data-parallel worker on that worker's contiguous share of the step's micro-batches
 * (each task scales its loss sums by the GLOBAL counts, see {@link TrainStep#scaleOf}), sums the
 * returned gradients in double in worker order, and applies one {@link ParameterUpdate}.
 *
 * <p>Why this mechanism: a lost executor's task is re-run by Spark with identical inputs (broadcast
 * parameters, shipped micro-batches, seeds derived from the step), so a fault changes nothing in
 * the result; the gradient sum has a fixed order, so the result does not depend on which executor
 * ran which task; and ALBERT's small parameter set (11.7 M floats for base) keeps the per-step
 * exchange small next to the gradient computation. Nothing here knows about pretraining: the caller
 * supplies the micro-batches of each step (any head, any labels) and the update.
 */
public final class DataParallelEngine {

  private final JavaSparkContext sc;
  private final AlbertModel model;
  private final ParameterUpdate update;
  private final int workers;
  private final long runSeed;
  private final FlatTensors summed;
  private final String configJson;

  /**
   * @param model the driver's model: its parameters are what every step broadcasts and updates
   * @param workers data-parallel workers (Spark tasks per step)
   * @param runSeed dropout seeds derive from it, the step and the micro-batch's global index
   */
  public DataParallelEngine(
      JavaSparkContext sc, AlbertModel model, ParameterUpdate update, int workers, long runSeed) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
    this.sc = Objects.requireNonNull(sc, "sc");
    this.model = model;
    this.update = update;
    this.workers = workers;
    this.runSeed = runSeed;
    this.summed = FlatTensors.zeros(model.layout());
    this.configJson = model.config().toJson();
  }

  /**
   * One step's outcome.
   *
   * @param computeSeconds the slowest task's forward + backward time (the critical path)
   * @param exchangeSeconds the rest of the step before the update: broadcast, scheduling, task and
   *     result (de)serialization, gradient sum
   * @param updateSeconds clipping and the optimizer step on the driver
   * @param bytesMoved parameter broadcast (one copy per worker) + gradients returned +
   *     micro-batches shipped
   * @param workerMemory the largest memory peak of the workers' JVMs, sampled as their tasks ended
   */
  public record StepResult(
      TrainMetrics metrics,
      ParameterUpdate.Result update,
      double computeSeconds,
      double exchangeSeconds,
      double updateSeconds,
      long bytesMoved,
      MemoryPeak.Sample workerMemory) {}

  /**
   * Runs global step {@code step} on {@code microBatches}, the step's whole global batch in its
   * fixed order; their number must be a multiple of the worker count. Updates the model's
   * parameters unless the step is skipped for a non-finite loss or gradient.
   */
  public StepResult step(long step, List<Batch> microBatches) {
    int m = microBatches.size();
    if (m == 0 || m % workers != 0) {
      throw new IllegalArgumentException(
          m + " micro-batches cannot be shared equally by " + workers + " workers");
    }
    long t0 = System.nanoTime();
    LossScale scale = TrainStep.scaleOf(microBatches);
    float[] params = toHeap(model.parameters());
    Broadcast<float[]> bc = sc.broadcast(params);
    List<WorkerTask> tasks = new ArrayList<>(workers);
    long dataBytes = 0;
    int per = m / workers;
    for (int w = 0; w < workers; w++) {
      List<Batch> share = new ArrayList<>(microBatches.subList(w * per, (w + 1) * per));
      for (Batch b : share) {
        dataBytes += 4L * 4 * b.inputIds().length + 4L * b.batchSize();
      }
      tasks.add(
          new WorkerTask(
              configJson,
              model.head(),
              step,
              runSeed,
              w * per,
              share,
              scale.mlm(),
              scale.sop(),
              scale.classification()));
    }
    List<WorkerResult> results;
    try {
      results = sc.parallelize(tasks, workers).map(t -> WorkerSlots.run(t, bc.value())).collect();
    } finally {
      Broadcasts.destroy(bc);
    }
    // fixed order and double accumulation: the sum does not depend on where or when tasks ran
    results = new ArrayList<>(results);
    results.sort(java.util.Comparator.comparingInt(WorkerResult::firstMicroBatch));
    int n = params.length;
    double[] acc = new double[n];
    TrainMetrics metrics = TrainMetrics.NONE;
    long computeNanos = 0;
    MemoryPeak.Sample memory = MemoryPeak.Sample.NONE;
    for (WorkerResult r : results) {
      float[] g = r.gradients();
      for (int i = 0; i < n; i++) {
        acc[i] += g[i];
      }
      metrics = metrics.plus(r.metrics());
      computeNanos = Math.max(computeNanos, r.computeNanos());
      memory = memory.max(r.memory());
    }
    FloatBuffer out = floats(summed);
    for (int i = 0; i < n; i++) {
      out.put(i, (float) acc[i]);
    }
    long t1 = System.nanoTime();
    ParameterUpdate.Result u =
        update.apply(model.parameters(), summed, step, metrics.losses().total());
    long t2 = System.nanoTime();
    long paramBytes = 4L * n;
    return new StepResult(
        metrics,
        u,
        computeNanos / 1e9,
        Math.max(0, (t1 - t0 - computeNanos) / 1e9),
        (t2 - t1) / 1e9,
        paramBytes * workers * 2 + dataBytes,
        memory);
  }

  /** A copy of the flat buffer on the heap (what a step broadcasts). */
  public static float[] toHeap(FlatTensors t) {
    float[] a = new float[t.memory().length()];
    floats(t).get(0, a);
    return a;
  }

  /** The flat buffer as a FloatBuffer (own position; native little-endian order). */
  public static FloatBuffer floats(FlatTensors t) {
    return t.memory().bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  }
}
