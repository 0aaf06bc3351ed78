package org.albertspark.model.params;

import org.albertspark.model.tensor.FloatMemory;
import org.albertspark.model.tensor.Slice;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Every tensor of a {@link ParameterLayout} as a named view into one flat buffer, and all of them
 * as one typed record ({@link #views()}): the parameters of a model, their gradients, or an
 * optimizer's moments.
 */
public final class FlatTensors {

  private final ParameterLayout layout;
  private final FloatMemory memory;
  private final ParameterViews views;

  private FlatTensors(ParameterLayout layout, FloatMemory memory) {
    this.layout = layout;
    this.memory = memory;
    this.views = ParameterViews.of(this);
  }

  /** All tensors of {@code layout}, zeroed. */
  public static FlatTensors zeros(ParameterLayout layout) {
    return new FlatTensors(layout, FloatMemory.zeros(layout.totalSize()));
  }

  public ParameterLayout layout() {
    return layout;
  }

  /** Every tensor as a typed view, built once with this buffer. */
  public ParameterViews views() {
    return views;
  }

  /** The flat buffer backing every tensor. */
  public FloatMemory memory() {
    return memory;
  }

  /** The flat buffer as one 1-D ND4J array (e.g. the one array to all-reduce). */
  public INDArray flat() {
    return memory.array();
  }

  /** The window of tensor {@code name} in the flat buffer. */
  public Slice slice(String name) {
    ParameterLayout.Entry e = layout.get(name);
    return memory.slice(e.offset(), e.size());
  }

  /** Tensor {@code name} as a shaped ND4J view (writes go to the flat buffer). */
  public INDArray view(String name) {
    ParameterLayout.Entry e = layout.get(name);
    long[] shape = new long[e.shape().length];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = e.shape()[i];
    }
    return memory
        .array()
        .get(NDArrayIndex.interval(e.offset(), e.offset() + e.size()))
        .reshape('c', shape);
  }

  public float[] toArray(String name) {
    return slice(name).toArray();
  }

  public void set(String name, float[] values) {
    slice(name).copyFrom(values);
  }

  /** Copies every tensor of {@code other}, which must have the same layout. */
  public void copyFrom(FlatTensors other) {
    if (other.layout.totalSize() != layout.totalSize()) {
      throw new IllegalArgumentException("layouts differ");
    }
    memory.array().assign(other.memory.array());
  }

  public void zero() {
    memory.array().assign(0);
  }
}
