package org.albertspark.model.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Element types of a safetensors file this project reads, with their size in bytes. */
public enum DType {
  F64(8, true),
  F32(4, true),
  F16(2, true),
  BF16(2, true),
  I64(8, false),
  I32(4, false),
  I16(2, false),
  I8(1, false),
  U64(8, false),
  U32(4, false),
  U16(2, false),
  U8(1, false),
  BOOL(1, false);

  private final int size;
  private final boolean floatingPoint;

  DType(int size, boolean floatingPoint) {
    this.size = size;
    this.floatingPoint = floatingPoint;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  /** True for F64, F32, F16, BF16 (readable with {@link SafeTensorsFile#floats}). */
  public boolean isFloatingPoint() {
    return floatingPoint;
  }

  /**
   * The dtype the header string names (exact, case-sensitive, as the format specifies), or null.
   */
  static DType parse(String s) {
    for (DType d : values()) {
      if (d.name().equals(s)) {
        return d;
      }
    }
    return null;
  }

  static String supportedList() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
