package org.albertspark.tokenizer;

import java.util.List;

/**
 * {@code sentencepiece.TrainerSpec}: typed view over the raw message (unknown fields are kept).
 * Only the fields the tokenizer and vocabulary training use have typed accessors; any other field
 * can be read through {@link #raw()} and written through {@link Builder#raw()} with the field
 * numbers of {@code sentencepiece_model.proto}.
 */
public final class TrainerSpec {
  public static final int INPUT = 1;
  public static final int MODEL_PREFIX = 2;
  public static final int MODEL_TYPE = 3;
  public static final int VOCAB_SIZE = 4;
  public static final int INPUT_FORMAT = 7;
  public static final int CHARACTER_COVERAGE = 10;
  public static final int INPUT_SENTENCE_SIZE = 11;
  public static final int SEED_SENTENCEPIECE_SIZE = 14;
  public static final int SHRINKING_FACTOR = 15;
  public static final int NUM_THREADS = 16;
  public static final int NUM_SUB_ITERATIONS = 17;
  public static final int MAX_SENTENCE_LENGTH = 18;
  public static final int SHUFFLE_INPUT_SENTENCE = 19;
  public static final int MAX_SENTENCEPIECE_LENGTH = 20;
  public static final int SPLIT_BY_UNICODE_SCRIPT = 21;
  public static final int SPLIT_BY_WHITESPACE = 22;
  public static final int SPLIT_BY_NUMBER = 23;
  public static final int TREAT_WHITESPACE_AS_SUFFIX = 24;
  public static final int SPLIT_DIGITS = 25;
  public static final int ALLOW_WHITESPACE_ONLY_PIECES = 26;
  public static final int CONTROL_SYMBOLS = 30;
  public static final int USER_DEFINED_SYMBOLS = 31;
  public static final int VOCABULARY_OUTPUT_PIECE_SCORE = 32;
  public static final int HARD_VOCAB_LIMIT = 33;
  public static final int USE_ALL_VOCAB = 34;
  public static final int BYTE_FALLBACK = 35;
  public static final int REQUIRED_CHARS = 36;
  public static final int UNK_ID = 40;
  public static final int BOS_ID = 41;
  public static final int EOS_ID = 42;
  public static final int PAD_ID = 43;
  public static final int UNK_SURFACE = 44;
  public static final int UNK_PIECE = 45;
  public static final int BOS_PIECE = 46;
  public static final int EOS_PIECE = 47;
  public static final int PAD_PIECE = 48;
  public static final int TRAIN_EXTREMELY_LARGE_CORPUS = 49;

  /** {@code TrainerSpec.ModelType}. */
  public enum ModelType {
    UNIGRAM(1),
    BPE(2),
    WORD(3),
    CHAR(4);

    private final int number;

    ModelType(int number) {
      this.number = number;
    }

    public int number() {
      return number;
    }

    public static ModelType fromNumber(long n) {
      for (ModelType t : values()) {
        if (t.number == n) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown SentencePiece model_type " + n);
    }
  }

  private final ProtoMessage msg;

  public TrainerSpec(ProtoMessage msg) {
    this.msg = msg;
    // Validate the fields the tokenizer reads so a corrupt file fails at load, not at encode.
    modelType();
    vocabSize();
    byteFallback();
    treatWhitespaceAsSuffix();
    unkId();
    bosId();
    eosId();
    padId();
    unkSurface();
    unkPiece();
    bosPiece();
    eosPiece();
    padPiece();
  }

  public ProtoMessage raw() {
    return msg;
  }

  public ModelType modelType() {
    return ModelType.fromNumber(msg.getVarint(MODEL_TYPE, 1));
  }

  public int vocabSize() {
    return msg.getInt(VOCAB_SIZE, 8000);
  }

  public float characterCoverage() {
    return msg.getFloat(CHARACTER_COVERAGE, 0.9995f);
  }

  public int maxSentencepieceLength() {
    return msg.getInt(MAX_SENTENCEPIECE_LENGTH, 16);
  }

  public boolean splitDigits() {
    return msg.getBool(SPLIT_DIGITS, false);
  }

  public boolean treatWhitespaceAsSuffix() {
    return msg.getBool(TREAT_WHITESPACE_AS_SUFFIX, false);
  }

  public boolean byteFallback() {
    return msg.getBool(BYTE_FALLBACK, false);
  }

  public List<String> controlSymbols() {
    return msg.getRepeatedStrings(CONTROL_SYMBOLS);
  }

  public List<String> userDefinedSymbols() {
    return msg.getRepeatedStrings(USER_DEFINED_SYMBOLS);
  }

  public int unkId() {
    return msg.getInt(UNK_ID, 0);
  }

  public int bosId() {
    return msg.getInt(BOS_ID, 1);
  }

  public int eosId() {
    return msg.getInt(EOS_ID, 2);
  }

  public int padId() {
    return msg.getInt(PAD_ID, -1);
  }

  public String unkSurface() {
    return msg.getString(UNK_SURFACE, " \u2047 ");
  }

  public String unkPiece() {
    return msg.getString(UNK_PIECE, "<unk>");
  }

  public String bosPiece() {
    return msg.getString(BOS_PIECE, "<s>");
  }

  public String eosPiece() {
    return msg.getString(EOS_PIECE, "</s>");
  }

  public String padPiece() {
    return msg.getString(PAD_PIECE, "<pad>");
  }

  public Builder toBuilder() {
    return new Builder(msg.toBuilder());
  }

  public static Builder builder() {
    return new Builder(ProtoMessage.builder());
  }

  public static final class Builder {
    private final ProtoMessage.Builder b;

    private Builder(ProtoMessage.Builder b) {
      this.b = b;
    }

    public Builder modelType(ModelType v) {
      b.setVarint(MODEL_TYPE, v.number());
      return this;
    }

    public Builder vocabSize(int v) {
      b.setInt(VOCAB_SIZE, v);
      return this;
    }

    public Builder characterCoverage(float v) {
      b.setFloat(CHARACTER_COVERAGE, v);
      return this;
    }

    public Builder maxSentencepieceLength(int v) {
      b.setInt(MAX_SENTENCEPIECE_LENGTH, v);
      return this;
    }

    public Builder splitDigits(boolean v) {
      b.setBool(SPLIT_DIGITS, v);
      return this;
    }

    public Builder treatWhitespaceAsSuffix(boolean v) {
      b.setBool(TREAT_WHITESPACE_AS_SUFFIX, v);
      return this;
    }

    public Builder byteFallback(boolean v) {
      b.setBool(BYTE_FALLBACK, v);
      return this;
    }

    public Builder controlSymbols(List<String> v) {
      b.clear(CONTROL_SYMBOLS);
      v.forEach(s -> b.addString(CONTROL_SYMBOLS, s));
      return this;
    }

    public Builder userDefinedSymbols(List<String> v) {
      b.clear(USER_DEFINED_SYMBOLS);
      v.forEach(s -> b.addString(USER_DEFINED_SYMBOLS, s));
      return this;
    }

    public Builder unkId(int v) {
      b.setInt(UNK_ID, v);
      return this;
    }

    public Builder bosId(int v) {
      b.setInt(BOS_ID, v);
      return this;
    }

    public Builder eosId(int v) {
      b.setInt(EOS_ID, v);
      return this;
    }

    public Builder padId(int v) {
      b.setInt(PAD_ID, v);
      return this;
    }

    public Builder unkSurface(String v) {
      b.setString(UNK_SURFACE, v);
      return this;
    }

    public Builder unkPiece(String v) {
      b.setString(UNK_PIECE, v);
      return this;
    }

    public Builder bosPiece(String v) {
      b.setString(BOS_PIECE, v);
      return this;
    }

    public Builder eosPiece(String v) {
      b.setString(EOS_PIECE, v);
      return this;
    }

    public Builder padPiece(String v) {
      b.setString(PAD_PIECE, v);
      return this;
    }

    /** Escape hatch for every other field (use the constants of this class). */
    public ProtoMessage.Builder raw() {
      return b;
    }

    public TrainerSpec build() {
      return new TrainerSpec(b.build());
    }
  }
}
