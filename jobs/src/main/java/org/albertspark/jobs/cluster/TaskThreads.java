package org.albertspark.jobs.cluster;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.albertspark.model.kernels.Blas;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads one Spark task's model passes use ({@code albert.threads}, read once per JVM by
 * {@link Blas}): the task's {@code spark.task.cpus}. An executor runs as many tasks at once as it
 * has cores per task, and all their threads share the JVM's one BLAS thread count, so a count above
 * spark.task.cpus oversubscribes the cores (each task's GEMMs would start threads for every core).
 * Set before the model code first runs in the JVM; an explicit {@code -Dalbert.threads} wins.
 */
public final class TaskThreads {

  public static final String PROPERTY = "albert.threads";

  private static final Logger LOG = LoggerFactory.getLogger(TaskThreads.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private TaskThreads() {}

  /**
   * In a running task: sets albert.threads to its spark.task.cpus unless it is set, and warns once
   * per JVM when the model code had already started with more threads than that. Outside a task
   * (the driver): nothing.
   */
  public static void useTaskCpus() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return;
    }
    int cpus = task.cpus();
    useCpus(cpus);
    oversubscription(Blas.THREADS, cpus)
        .filter(m -> WARNED.compareAndSet(false, true))
        .ifPresent(LOG::warn);
  }

  /** Sets albert.threads for tasks of {@code taskCpus} cores unless it is set explicitly. */
  public static void useCpus(int taskCpus) {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, Integer.toString(Math.max(1, taskCpus)));
    }
  }

  /** The warning when passes run {@code blasThreads} threads per task of {@code taskCpus} cores. */
  static Optional<String> oversubscription(int blasThreads, int taskCpus) {
    int cpus = Math.max(1, taskCpus);
    if (blasThreads <= cpus) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            "model passes run %d BLAS threads per task but spark.task.cpus is %d: the model code"
                + " started in this JVM before a task could set %s (concurrent tasks now"
                + " oversubscribe the cores); pass -D%s=%d to the executor JVMs (the driver's in"
                + " local mode)",
            blasThreads, cpus, PROPERTY, PROPERTY, cpus));
  }
}
