package org.albertspark.jobs.train;

import java.io.Serializable;
import org.albertspark.model.train.TrainMetrics;

/**
 * A worker's gradient (its share of the global batch, already scaled by the global counts), its
 * metrics and its forward + backward wall time.
 */
record WorkerResult(int firstMicroBatch, float[] gradients, TrainMetrics metrics, long computeNanos)
    implements Serializable {}
