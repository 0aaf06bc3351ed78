package org.albertspark.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A minimal, immutable protobuf (proto2 wire format) message: an ordered list of raw fields.
 *
 * <p>SentencePiece's {@code ModelProto} schema is small, so it is read and written by hand rather
 * than with protobuf-java (which would clash with the protobuf Spark ships). Fields are kept in the
 * order they were read, including fields this code does not know, so an unmodified message
 * serializes back to the same bytes (protobuf C++ writes minimal varints in field-number order).
 *
 * <p>Parsing is defensive: every varint and length is bounds-checked against the buffer, no
 * allocation is sized by an unchecked number, and malformed input raises {@link
 * IllegalArgumentException} with the byte offset.
 */
public final class ProtoMessage {

  public static final int WIRE_VARINT = 0;
  public static final int WIRE_I64 = 1;
  public static final int WIRE_LEN = 2;
  public static final int WIRE_I32 = 5;

  private static final int MAX_FIELD_NUMBER = (1 << 29) - 1;

  /** One field: number, wire type and its value (varint/fixed bits, or the LEN payload). */
  public record Field(int number, int wireType, long bits, byte[] payload) {
    public Field {
      if (number < 1 || number > MAX_FIELD_NUMBER) {
        throw new IllegalArgumentException("invalid protobuf field number " + number);
      }
      if (wireType == WIRE_LEN) {
        if (payload == null) {
          throw new IllegalArgumentException("LEN field without payload");
        }
      } else if (wireType != WIRE_VARINT && wireType != WIRE_I64 && wireType != WIRE_I32) {
        throw new IllegalArgumentException("unsupported wire type " + wireType);
      }
    }
  }

  public static final ProtoMessage EMPTY = new ProtoMessage(List.of());

  private final List<Field> fields;

  private ProtoMessage(List<Field> fields) {
    this.fields = fields;
  }

  public List<Field> fields() {
    return fields;
  }

  // ---------------------------------------------------------------- parsing

  /** Parses a whole buffer. */
  public static ProtoMessage parse(byte[] buf) {
    return parse(buf, 0, buf.length, 0);
  }

  /**
   * Parses {@code buf[off, end)}; {@code base} is the absolute offset of {@code off}, used in error
   * messages only.
   */
  static ProtoMessage parse(byte[] buf, int off, int end, long base) {
    if (off < 0 || end > buf.length || off > end) {
      throw new IllegalArgumentException("bad slice");
    }
    List<Field> out = new ArrayList<>();
    int[] pos = {off};
    while (pos[0] < end) {
      int fieldStart = pos[0];
      long tag = readVarint(buf, pos, end, base - off);
      int wt = (int) (tag & 7);
      long num = tag >>> 3;
      if (num < 1 || num > MAX_FIELD_NUMBER) {
        throw corrupt("invalid field number " + num, base - off + fieldStart);
      }
      switch (wt) {
        case WIRE_VARINT ->
            out.add(new Field((int) num, wt, readVarint(buf, pos, end, base - off), null));
        case WIRE_I64 -> {
          if (end - pos[0] < 8) {
            throw corrupt("truncated 64-bit field " + num, base - off + pos[0]);
          }
          long v = 0;
          for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos[0] + i] & 0xFFL);
          }
          pos[0] += 8;
          out.add(new Field((int) num, wt, v, null));
        }
        case WIRE_I32 -> {
          if (end - pos[0] < 4) {
            throw corrupt("truncated 32-bit field " + num, base - off + pos[0]);
          }
          long v = 0;
          for (int i = 3; i >= 0; i--) {
            v = (v << 8) | (buf[pos[0] + i] & 0xFFL);
          }
          pos[0] += 4;
          out.add(new Field((int) num, wt, v, null));
        }
        case WIRE_LEN -> {
          long len = readVarint(buf, pos, end, base - off);
          if (len < 0 || len > end - pos[0]) {
            throw corrupt(
                "length "
                    + len
                    + " of field "
                    + num
                    + " exceeds the "
                    + (end - pos[0])
                    + " remaining bytes (truncated file?)",
                base - off + pos[0]);
          }
          byte[] p = Arrays.copyOfRange(buf, pos[0], pos[0] + (int) len);
          pos[0] += (int) len;
          out.add(new Field((int) num, wt, 0, p));
        }
        default ->
            throw corrupt(
                "unsupported wire type " + wt + " for field " + num, base - off + fieldStart);
      }
    }
    return new ProtoMessage(Collections.unmodifiableList(out));
  }

  private static long readVarint(byte[] buf, int[] pos, int end, long base) {
    long v = 0;
    int start = pos[0];
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= end) {
        throw corrupt("truncated varint", base + start);
      }
      int b = buf[pos[0]++] & 0xFF;
      if (shift == 63 && b > 1) {
        throw corrupt("malformed varint (more than 64 bits)", base + start);
      }
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw corrupt("malformed varint (more than 10 bytes)", base + start);
  }

  private static IllegalArgumentException corrupt(String what, long offset) {
    return new IllegalArgumentException("corrupt protobuf at byte " + offset + ": " + what);
  }

  // ---------------------------------------------------------------- writing

  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTo(out);
    return out.toByteArray();
  }

  void writeTo(ByteArrayOutputStream out) {
    for (Field f : fields) {
      writeVarint(out, ((long) f.number() << 3) | f.wireType());
      switch (f.wireType()) {
        case WIRE_VARINT -> writeVarint(out, f.bits());
        case WIRE_I64 -> {
          for (int i = 0; i < 8; i++) {
            out.write((int) (f.bits() >>> (8 * i)));
          }
        }
        case WIRE_I32 -> {
          for (int i = 0; i < 4; i++) {
            out.write((int) (f.bits() >>> (8 * i)));
          }
        }
        default -> {
          writeVarint(out, f.payload().length);
          out.write(f.payload(), 0, f.payload().length);
        }
      }
    }
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  // ---------------------------------------------------------------- reading values

  public boolean has(int number) {
    return last(number) != null;
  }

  private Field last(int number) {
    for (int i = fields.size() - 1; i >= 0; i--) {
      if (fields.get(i).number() == number) {
        return fields.get(i);
      }
    }
    return null;
  }

  private Field last(int number, int wireType) {
    Field f = last(number);
    if (f != null && f.wireType() != wireType) {
      throw new IllegalArgumentException(
          "field " + number + " has wire type " + f.wireType() + ", expected " + wireType);
    }
    return f;
  }

  /** Last value of a varint field (int64/uint64/int32/enum/bool), or {@code def}. */
  public long getVarint(int number, long def) {
    Field f = last(number, WIRE_VARINT);
    return f == null ? def : f.bits();
  }

  /** int32 / enum value (negative int32 are sign-extended varints). */
  public int getInt(int number, int def) {
    return (int) getVarint(number, def);
  }

  public boolean getBool(int number, boolean def) {
    return getVarint(number, def ? 1 : 0) != 0;
  }

  public float getFloat(int number, float def) {
    Field f = last(number, WIRE_I32);
    return f == null ? def : Float.intBitsToFloat((int) f.bits());
  }

  public double getDouble(int number, double def) {
    Field f = last(number, WIRE_I64);
    return f == null ? def : Double.longBitsToDouble(f.bits());
  }

  public byte[] getBytes(int number) {
    Field f = last(number, WIRE_LEN);
    return f == null ? null : f.payload().clone();
  }

  /** Internal: payload without copying. */
  byte[] bytesNoCopy(int number) {
    Field f = last(number, WIRE_LEN);
    return f == null ? null : f.payload();
  }

  public String getString(int number, String def) {
    Field f = last(number, WIRE_LEN);
    return f == null ? def : new String(f.payload(), StandardCharsets.UTF_8);
  }

  /**
   * Sub-message; absent → null. (Protobuf would merge repeated occurrences; SentencePiece files
   * have one.)
   */
  public ProtoMessage getMessage(int number) {
    Field f = last(number, WIRE_LEN);
    return f == null ? null : parse(f.payload(), 0, f.payload().length, 0);
  }

  public List<String> getRepeatedStrings(int number) {
    List<String> out = new ArrayList<>();
    for (Field f : fields) {
      if (f.number() == number) {
        if (f.wireType() != WIRE_LEN) {
          throw new IllegalArgumentException("field " + number + " is not a string");
        }
        out.add(new String(f.payload(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProtoMessage m && Arrays.equals(toBytes(), m.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  // ---------------------------------------------------------------- building

  public Builder toBuilder() {
    return new Builder(new ArrayList<>(fields));
  }

  public static Builder builder() {
    return new Builder(new ArrayList<>());
  }

  /**
   * Builds a message. {@code set*} replaces every occurrence of a field by one value, kept at the
   * place of the first occurrence (or inserted in field-number order, as protobuf C++ writes);
   * {@code add*} appends to a repeated field.
   */
  public static final class Builder {
    private final List<Field> fields;

    private Builder(List<Field> fields) {
      this.fields = fields;
    }

    /** Appends a field at the end, keeping file order (used when copying parsed fields). */
    public Builder append(Field field) {
      fields.add(field);
      return this;
    }

    public Builder clear(int number) {
      fields.removeIf(f -> f.number() == number);
      return this;
    }

    public Builder set(Field field) {
      int first = -1;
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).number() == field.number()) {
          first = i;
          break;
        }
      }
      if (first >= 0) {
        fields.set(first, field);
        for (int i = fields.size() - 1; i > first; i--) {
          if (fields.get(i).number() == field.number()) {
            fields.remove(i);
          }
        }
      } else {
        fields.add(insertionPoint(field.number()), field);
      }
      return this;
    }

    public Builder add(Field field) {
      int lastIdx = -1;
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).number() == field.number()) {
          lastIdx = i;
        }
      }
      fields.add(lastIdx >= 0 ? lastIdx + 1 : insertionPoint(field.number()), field);
      return this;
    }

    private int insertionPoint(int number) {
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).number() > number) {
          return i;
        }
      }
      return fields.size();
    }

    public Builder setVarint(int number, long v) {
      return set(new Field(number, WIRE_VARINT, v, null));
    }

    /** int32/enum: negative values are sign-extended to 64 bits, as protobuf does. */
    public Builder setInt(int number, int v) {
      return setVarint(number, v);
    }

    public Builder setBool(int number, boolean v) {
      return setVarint(number, v ? 1 : 0);
    }

    public Builder setFloat(int number, float v) {
      return set(new Field(number, WIRE_I32, Float.floatToRawIntBits(v) & 0xFFFFFFFFL, null));
    }

    public Builder setDouble(int number, double v) {
      return set(new Field(number, WIRE_I64, Double.doubleToRawLongBits(v), null));
    }

    public Builder setBytes(int number, byte[] v) {
      return set(new Field(number, WIRE_LEN, 0, v.clone()));
    }

    public Builder setString(int number, String v) {
      return set(new Field(number, WIRE_LEN, 0, v.getBytes(StandardCharsets.UTF_8)));
    }

    public Builder setMessage(int number, ProtoMessage m) {
      return set(new Field(number, WIRE_LEN, 0, m.toBytes()));
    }

    public Builder addString(int number, String v) {
      return add(new Field(number, WIRE_LEN, 0, v.getBytes(StandardCharsets.UTF_8)));
    }

    public Builder addMessage(int number, ProtoMessage m) {
      return add(new Field(number, WIRE_LEN, 0, m.toBytes()));
    }

    public ProtoMessage build() {
      return new ProtoMessage(Collections.unmodifiableList(new ArrayList<>(fields)));
    }
  }
}
