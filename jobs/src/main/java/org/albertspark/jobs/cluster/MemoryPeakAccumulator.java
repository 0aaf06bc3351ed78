package org.albertspark.jobs.cluster;

import org.apache.spark.util.AccumulatorV2;

/**
 * The largest {@link MemoryPeak.Sample} over the tasks that add to it, for jobs whose tasks return
 * rows rather than a result the driver collects (scoring). A maximum is idempotent, so a task that
 * Spark runs twice cannot inflate it.
 */
public final class MemoryPeakAccumulator
    extends AccumulatorV2<MemoryPeak.Sample, MemoryPeak.Sample> {

  private MemoryPeak.Sample peak = MemoryPeak.Sample.NONE;

  @Override
  public boolean isZero() {
    return peak.equals(MemoryPeak.Sample.NONE);
  }

  @Override
  public MemoryPeakAccumulator copy() {
    MemoryPeakAccumulator c = new MemoryPeakAccumulator();
    c.peak = peak;
    return c;
  }

  @Override
  public void reset() {
    peak = MemoryPeak.Sample.NONE;
  }

  @Override
  public void add(MemoryPeak.Sample sample) {
    peak = peak.max(sample);
  }

  @Override
  public void merge(AccumulatorV2<MemoryPeak.Sample, MemoryPeak.Sample> other) {
    peak = peak.max(other.value());
  }

  @Override
  public MemoryPeak.Sample value() {
    return peak;
  }
}
