package org.albertspark.model.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A block of off-heap float memory owned by one ND4J array, seen three ways: as the INDArray (for
 * users and ND4J ops), as a little-endian ByteBuffer (for the plain-Java and vectorized kernels),
 * and as a pointer (for BLAS). All three alias the same bytes; nothing is copied.
 */
public final class FloatMemory {

  /** A ByteBuffer indexes bytes with an int, so one block holds at most this many floats. */
  public static final long MAX_FLOATS = Integer.MAX_VALUE / Float.BYTES;

  private final INDArray array;
  private final ByteBuffer bytes;
  private final FloatPointer pointer;
  private final int length;

  private FloatMemory(INDArray array, int length) {
    this.array = array;
    this.length = length;
    this.pointer = (FloatPointer) array.data().addressPointer();
    this.bytes = pointer.capacity(length).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** {@code length} zeroed floats. */
  public static FloatMemory zeros(long length) {
    if (length < 0 || length > MAX_FLOATS) {
      throw new IllegalArgumentException(
          "cannot allocate " + length + " floats in one block (at most " + MAX_FLOATS + ")");
    }
    // ND4J cannot allocate an empty array; a zero-length block keeps one unused float.
    return new FloatMemory(Nd4j.zeros(DataType.FLOAT, Math.max(1, length)), (int) length);
  }

  /** The whole block as a 1-D ND4J array. */
  public INDArray array() {
    return array;
  }

  /** Little-endian byte view; float {@code i} is at byte {@code 4 * i}. */
  public ByteBuffer bytes() {
    return bytes;
  }

  /** A fresh pointer to float {@code offset} (BLAS arguments). */
  public FloatPointer pointerAt(long offset) {
    return new FloatPointer(pointer).position(offset);
  }

  public int length() {
    return length;
  }

  public float get(long i) {
    return bytes.getFloat((int) (i << 2));
  }

  public void set(long i, float v) {
    bytes.putFloat((int) (i << 2), v);
  }

  /** A window of this block. */
  public Slice slice(long offset, long size) {
    return new Slice(this, offset, size);
  }

  /** The whole block as a window. */
  public Slice all() {
    return new Slice(this, 0, length);
  }
}
