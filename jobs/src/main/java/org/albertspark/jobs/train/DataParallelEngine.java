package org.albertspark.jobs.train;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
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
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Synchronous data-parallel training on Spark, one Spark job per step, coordinated by the driver.
 * The driver holds the parameters and the optimizer. Each step it broadcasts the parameters, runs
 * one task per data-parallel worker on that worker's contiguous share of the step's micro-batches
 * (each task scales its loss sums by the GLOBAL counts, see {@link TrainStep#scaleOf}), sums the
 * returned gradients in double in worker order, and applies one {@link ParameterUpdate}. From
 * {@link #TREE_MIN_WORKERS} workers on, the sum is a fixed-order tree: the executors first sum
 * groups of about √W consecutive workers (a shuffle keyed by group; each group summed in worker
 * order), and the driver sums the √W group sums in group order, so the driver receives √W·P doubles
 * instead of W·P floats and the result still does not depend on where or when tasks ran.
 *
 * <p>Why this mechanism: a lost executor's task is re-run by Spark with identical inputs (broadcast
 * parameters, shipped micro-batches, seeds derived from the step), so a fault changes nothing in
 * the result; the gradient sum has a fixed order, so the result does not depend on which executor
 * ran which task; and ALBERT's small parameter set (11.7 M floats for base) keeps the per-step
 * exchange small next to the gradient computation. Nothing here knows about pretraining: the caller
 * supplies the micro-batches of each step (any head, any labels) and the update.
 */
public final class DataParallelEngine {

  /** Workers from which gradients are summed in a tree (below: all on the driver). */
  static final int TREE_MIN_WORKERS = 16;

  private final JavaSparkContext sc;
  private final AlbertModel model;
  private final ParameterUpdate update;
  private final int workers;
  private final int groups; // 1: every worker's gradient summed on the driver
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
    this(sc, model, update, workers, runSeed, defaultGroups(workers));
  }

  /** As above, with the gradients summed in {@code groups} groups of workers (1: no tree). */
  DataParallelEngine(
      JavaSparkContext sc,
      AlbertModel model,
      ParameterUpdate update,
      int workers,
      long runSeed,
      int groups) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
    if (groups < 1 || groups > workers) {
      throw new IllegalArgumentException("groups must be in [1, " + workers + "], got " + groups);
    }
    this.groups = groups;
    this.sc = Objects.requireNonNull(sc, "sc");
    this.model = model;
    this.update = update;
    this.workers = workers;
    this.runSeed = runSeed;
    this.summed = FlatTensors.zeros(model.layout());
    this.configJson = model.config().toJson();
  }

  /** ⌈√W⌉ groups from {@link #TREE_MIN_WORKERS} workers on, else 1. */
  static int defaultGroups(int workers) {
    return workers < TREE_MIN_WORKERS ? 1 : (int) Math.ceil(Math.sqrt(workers));
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
    int n = params.length;
    GradientSum total = new GradientSum(n);
    try {
      JavaRDD<WorkerResult> results =
          sc.parallelize(tasks, workers).map(t -> WorkerSlots.run(t, bc.value()));
      // fixed order and double accumulation: the sum does not depend on where or when tasks ran
      if (groups == 1) {
        List<WorkerResult> all = new ArrayList<>(results.collect());
        all.sort(Comparator.comparingInt(WorkerResult::firstMicroBatch));
        all.forEach(total::add);
      } else {
        int perGroup = per * ((workers + groups - 1) / groups); // micro-batches per group
        List<GradientSum> sums =
            new ArrayList<>(
                results
                    .mapToPair(r -> new Tuple2<>(r.firstMicroBatch() / perGroup, r))
                    .groupByKey(groups)
                    .map(group -> sumInOrder(group._2(), n))
                    .collect());
        sums.sort(Comparator.comparingInt(GradientSum::firstMicroBatch));
        sums.forEach(total::add);
      }
    } finally {
      Broadcasts.destroy(bc);
    }
    TrainMetrics metrics = total.metrics();
    long computeNanos = total.computeNanos();
    double[] acc = total.gradient();
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
        paramBytes * workers * 2 + (groups == 1 ? 0 : 8L * n * groups) + dataBytes,
        total.memory());
  }

  /** One group's results summed in worker order (on an executor). */
  private static GradientSum sumInOrder(Iterable<WorkerResult> group, int parameters) {
    List<WorkerResult> rs = new ArrayList<>();
    group.forEach(rs::add);
    rs.sort(Comparator.comparingInt(WorkerResult::firstMicroBatch));
    GradientSum s = new GradientSum(parameters);
    rs.forEach(s::add);
    return s;
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
