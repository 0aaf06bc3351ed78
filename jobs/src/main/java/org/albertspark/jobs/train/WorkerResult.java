package org.albertspark.jobs.train;

import java.io.Serializable;
import org.albertspark.jobs.cluster.MemoryPeak;
import org.albertspark.model.train.TrainMetrics;

/**
 * A worker's gradient (its share of the global batch, already scaled by the global counts), its
 * metrics, its forward + backward wall time and its JVM's memory peak at the task's end.
 */
record WorkerResult(
    int firstMicroBatch,
    float[] gradients,
    TrainMetrics metrics,
    long computeNanos,
    MemoryPeak.Sample memory)
    implements Serializable {}
