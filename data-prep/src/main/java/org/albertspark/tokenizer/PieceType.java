package org.albertspark.tokenizer;

/** {@code ModelProto.SentencePiece.Type}, with its protobuf enum number. */
public enum PieceType {
  NORMAL(1),
  UNKNOWN(2),
  CONTROL(3),
  USER_DEFINED(4),
  UNUSED(5),
  BYTE(6);

  private final int number;

  PieceType(int number) {
    this.number = number;
  }

  /** The protobuf enum value. */
  public int number() {
    return number;
  }

  /** The type for a protobuf enum value; unknown values are rejected. */
  public static PieceType fromNumber(long n) {
    for (PieceType t : values()) {
      if (t.number == n) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown SentencePiece piece type " + n);
  }
}
