package org.albertspark.jobs.train;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.albertspark.jobs.cluster.MemoryPeak;
import org.albertspark.jobs.cluster.TaskThreads;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.nn.LossScale;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.train.TrainMetrics;
import org.albertspark.model.train.TrainStep;
import org.apache.spark.TaskContext;

/**
 * The executor side: per JVM, a pool of {@link TrainStep}s (model buffer, gradient buffer,
 * workspace) per model config, allocated on first use and reused by every later step, so ND4J and
 * the large buffers are set up once per executor JVM, not per task. A task borrows one, so tasks
 * running at the same time in one JVM never share buffers.
 */
final class WorkerSlots {

  private static final Map<String, Queue<TrainStep>> POOLS = new ConcurrentHashMap<>();

  private WorkerSlots() {}

  /** Computes {@code task}'s gradient from {@code params}. */
  static WorkerResult run(WorkerTask task, float[] params) {
    String key = task.head() + "\n" + task.configJson();
    Queue<TrainStep> pool = POOLS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
    TrainStep slot = pool.poll();
    if (slot == null) {
      if (TaskContext.get() != null) {
        // before the model code's first use in this JVM: a task gets its spark.task.cpus
        TaskThreads.useCpus(TaskContext.get().cpus());
      }
      AlbertConfig config = AlbertConfig.fromJson(task.configJson());
      slot =
          new TrainStep(
              new AlbertModel(
                  config, task.head(), FlatTensors.zeros(ParameterLayout.of(config, task.head()))));
    }
    try {
      FlatTensors p = slot.model().parameters();
      if (p.memory().length() != params.length) {
        throw new IllegalStateException(
            "broadcast holds " + params.length + " parameters, the model " + p.memory().length());
      }
      DataParallelEngine.floats(p).put(0, params);
      LossScale scale = new LossScale(task.mlmScale(), task.sopScale(), task.classificationScale());
      long t0 = System.nanoTime();
      TrainMetrics metrics =
          slot.computeGradients(
              task.microBatches(), scale, task.runSeed(), task.step(), task.firstMicroBatch());
      long nanos = System.nanoTime() - t0;
      float[] gradients = DataParallelEngine.toHeap(slot.gradients());
      return new WorkerResult(
          task.firstMicroBatch(), gradients, metrics, nanos, MemoryPeak.sample());
    } finally {
      pool.add(slot);
    }
  }
}
