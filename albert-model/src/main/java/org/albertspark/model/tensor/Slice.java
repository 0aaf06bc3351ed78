package org.albertspark.model.tensor;

import java.util.Objects;

/** A contiguous window of floats [offset, offset + size) in a {@link FloatMemory}. */
public record Slice(FloatMemory memory, long offset, long size) {

  public Slice {
    Objects.requireNonNull(memory, "memory");
    if (offset < 0 || size < 0 || offset + size > memory.length()) {
      throw new IndexOutOfBoundsException(
          "slice [" + offset + ", " + (offset + size) + ") outside a block of " + memory.length());
    }
  }

  public float get(long i) {
    return memory.get(offset + i);
  }

  public void set(long i, float v) {
    memory.set(offset + i, v);
  }

  /** A window inside this one. */
  public Slice sub(long from, long length) {
    if (from < 0 || length < 0 || from + length > size) {
      throw new IndexOutOfBoundsException(
          "sub-slice [" + from + ", " + (from + length) + ") outside a slice of " + size);
    }
    return new Slice(memory, offset + from, length);
  }

  /** Copies the floats out to a new heap array. */
  public float[] toArray() {
    float[] out = new float[Math.toIntExact(size)];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(i);
    }
    return out;
  }

  /** Overwrites this window with {@code values}. */
  public void copyFrom(float[] values) {
    if (values.length != size) {
      throw new IllegalArgumentException("expected " + size + " floats, got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      set(i, values[i]);
    }
  }

  public void copyFrom(Slice other) {
    if (other.size != size) {
      throw new IllegalArgumentException("expected " + size + " floats, got " + other.size);
    }
    for (long i = 0; i < size; i++) {
      set(i, other.get(i));
    }
  }

  public void fill(float v) {
    for (long i = 0; i < size; i++) {
      set(i, v);
    }
  }
}
