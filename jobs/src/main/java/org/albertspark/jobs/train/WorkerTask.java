package org.albertspark.jobs.train;

import java.io.Serializable;
import java.util.List;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.params.ParameterLayout.Head;

/**
 * What one data-parallel worker computes in one step: its contiguous share of the step's
 * micro-batches (global indices from {@code firstMicroBatch}) and the loss scale of the GLOBAL
 * batch. Everything a retried task needs to reproduce its result exactly, apart from the broadcast
 * parameters.
 */
record WorkerTask(
    String configJson,
    Head head,
    long step,
    long runSeed,
    int firstMicroBatch,
    List<Batch> microBatches,
    double mlmScale,
    double sopScale,
    double classificationScale)
    implements Serializable {}
