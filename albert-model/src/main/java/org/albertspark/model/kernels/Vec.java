package org.albertspark.model.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.albertspark.model.tensor.Slice;

/** Vector loads and stores of float i of a slice (byte offset 4 × (slice offset + i)). */
final class Vec {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  private Vec() {}

  static ByteBuffer buf(Slice s) {
    return s.memory().bytes();
  }

  /** Byte index of float i of the slice. */
  static int at(Slice s, long i) {
    return (int) ((s.offset() + i) << 2);
  }

  static FloatVector load(ByteBuffer b, int byteIndex) {
    return FloatVector.fromByteBuffer(S, b, byteIndex, LE);
  }

  static void store(FloatVector v, ByteBuffer b, int byteIndex) {
    v.intoByteBuffer(b, byteIndex, LE);
  }

  static int loopBound(int n) {
    return S.loopBound(n);
  }
}
