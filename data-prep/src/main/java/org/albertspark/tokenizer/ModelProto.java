package org.albertspark.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * {@code sentencepiece.ModelProto}: pieces, trainer_spec, normalizer_spec, denormalizer_spec.
 *
 * <p>Immutable. A loaded model keeps every field it does not interpret (self_test_data, extensions,
 * unknown fields), so {@code parse(bytes).toBytes()} gives the same bytes back for files written by
 * SentencePiece. Models built in code are serialized in field-number order, as protobuf C++ does.
 */
public final class ModelProto {
  public static final int PIECES = 1;
  public static final int TRAINER_SPEC = 2;
  public static final int NORMALIZER_SPEC = 3;
  public static final int SELF_TEST_DATA = 4;
  public static final int DENORMALIZER_SPEC = 5;

  /** {@code ModelProto.SentencePiece}: piece, score, type (unknown fields kept). */
  public static final class Piece {
    public static final int PIECE = 1;
    public static final int SCORE = 2;
    public static final int TYPE = 3;

    private final ProtoMessage msg;
    private final byte[] utf8;
    private final String piece;
    private final float score;
    private final PieceType type;

    private Piece(ProtoMessage msg) {
      this.msg = msg;
      byte[] b = msg.bytesNoCopy(PIECE);
      this.utf8 = b == null ? new byte[0] : b;
      this.piece = new String(utf8, StandardCharsets.UTF_8);
      this.score = msg.getFloat(SCORE, 0f);
      this.type = PieceType.fromNumber(msg.getVarint(TYPE, PieceType.NORMAL.number()));
    }

    /** A piece as spm_train writes it: the type field is only written when it is not NORMAL. */
    public static Piece of(String piece, float score, PieceType type) {
      ProtoMessage.Builder b =
          ProtoMessage.builder().setString(PIECE, piece).setFloat(SCORE, score);
      if (type != PieceType.NORMAL) {
        b.setVarint(TYPE, type.number());
      }
      return new Piece(b.build());
    }

    public static Piece fromRaw(ProtoMessage msg) {
      return new Piece(msg);
    }

    public String piece() {
      return piece;
    }

    public float score() {
      return score;
    }

    public PieceType type() {
      return type;
    }

    public ProtoMessage raw() {
      return msg;
    }

    /** The piece's UTF-8 bytes as stored (internal, not copied). */
    byte[] utf8() {
      return utf8;
    }

    @Override
    public String toString() {
      return "Piece[" + piece + ", " + score + ", " + type + "]";
    }
  }

  private final List<Piece> pieces;
  private final ProtoMessage rest; // every top-level field except the pieces
  private final TrainerSpec trainerSpec;
  private final NormalizerSpec normalizerSpec;
  private final NormalizerSpec denormalizerSpec;

  private ModelProto(List<Piece> pieces, ProtoMessage rest) {
    this.pieces = Collections.unmodifiableList(pieces);
    this.rest = rest;
    ProtoMessage t = rest.getMessage(TRAINER_SPEC);
    this.trainerSpec = new TrainerSpec(t == null ? ProtoMessage.EMPTY : t);
    ProtoMessage n = rest.getMessage(NORMALIZER_SPEC);
    this.normalizerSpec = n == null ? null : new NormalizerSpec(n);
    ProtoMessage d = rest.getMessage(DENORMALIZER_SPEC);
    this.denormalizerSpec = d == null ? null : new NormalizerSpec(d);
  }

  /** Parses a serialized ModelProto; malformed input → IllegalArgumentException. */
  public static ModelProto parse(byte[] bytes) {
    ProtoMessage top = ProtoMessage.parse(bytes);
    List<Piece> pieces = new ArrayList<>();
    ProtoMessage.Builder rest = ProtoMessage.builder();
    for (ProtoMessage.Field f : top.fields()) {
      if (f.number() == PIECES) {
        if (f.wireType() != ProtoMessage.WIRE_LEN) {
          throw new IllegalArgumentException("ModelProto.pieces has wire type " + f.wireType());
        }
        try {
          pieces.add(new Piece(ProtoMessage.parse(f.payload())));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("piece #" + pieces.size() + ": " + e.getMessage(), e);
        }
      } else {
        rest.append(f);
      }
    }
    return new ModelProto(pieces, rest.build());
  }

  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProtoMessage.Builder b = ProtoMessage.builder();
    for (Piece p : pieces)
      b.append(new ProtoMessage.Field(PIECES, ProtoMessage.WIRE_LEN, 0, p.raw().toBytes()));
    b.build().writeTo(out);
    rest.writeTo(out);
    return out.toByteArray();
  }

  public List<Piece> pieces() {
    return pieces;
  }

  /** Never null: an absent trainer_spec reads as all defaults. */
  public TrainerSpec trainerSpec() {
    return trainerSpec;
  }

  /** Null when absent. */
  public NormalizerSpec normalizerSpec() {
    return normalizerSpec;
  }

  /** Null when absent. */
  public NormalizerSpec denormalizerSpec() {
    return denormalizerSpec;
  }

  /** Every top-level field other than the pieces, in file order. */
  public ProtoMessage rawWithoutPieces() {
    return rest;
  }

  public Builder toBuilder() {
    return new Builder(new ArrayList<>(pieces), rest.toBuilder());
  }

  public static Builder builder() {
    return new Builder(new ArrayList<>(), ProtoMessage.builder());
  }

  public static final class Builder {
    private final List<Piece> pieces;
    private final ProtoMessage.Builder rest;

    private Builder(List<Piece> pieces, ProtoMessage.Builder rest) {
      this.pieces = pieces;
      this.rest = rest;
    }

    public Builder pieces(List<Piece> v) {
      pieces.clear();
      pieces.addAll(v);
      return this;
    }

    public Builder addPiece(Piece p) {
      pieces.add(p);
      return this;
    }

    public Builder addPiece(String piece, float score, PieceType type) {
      pieces.add(Piece.of(piece, score, type));
      return this;
    }

    public Builder trainerSpec(TrainerSpec v) {
      rest.setMessage(TRAINER_SPEC, v.raw());
      return this;
    }

    public Builder normalizerSpec(NormalizerSpec v) {
      rest.setMessage(NORMALIZER_SPEC, v.raw());
      return this;
    }

    public Builder denormalizerSpec(NormalizerSpec v) {
      if (v == null) {
        rest.clear(DENORMALIZER_SPEC);
      } else {
        rest.setMessage(DENORMALIZER_SPEC, v.raw());
      }
      return this;
    }

    /** Escape hatch for other top-level fields (e.g. self_test_data). */
    public ProtoMessage.Builder raw() {
      return rest;
    }

    public ModelProto build() {
      return new ModelProto(new ArrayList<>(pieces), rest.build());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelProto m && Arrays.equals(toBytes(), m.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }
}
