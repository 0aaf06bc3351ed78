package org.albertspark.tokenizer;

/**
 * {@code sentencepiece.NormalizerSpec}: typed view over the raw message (unknown fields are kept).
 * Defaults are the protobuf defaults.
 */
public final class NormalizerSpec {
  public static final int NAME = 1;
  public static final int PRECOMPILED_CHARSMAP = 2;
  public static final int ADD_DUMMY_PREFIX = 3;
  public static final int REMOVE_EXTRA_WHITESPACES = 4;
  public static final int ESCAPE_WHITESPACES = 5;
  public static final int NORMALIZATION_RULE_TSV = 6;

  private final ProtoMessage msg;

  public NormalizerSpec(ProtoMessage msg) {
    this.msg = msg;
    // Validate wire types of the known fields eagerly so a corrupt file fails at load.
    name();
    msg.bytesNoCopy(PRECOMPILED_CHARSMAP);
    addDummyPrefix();
    removeExtraWhitespaces();
    escapeWhitespaces();
    msg.getString(NORMALIZATION_RULE_TSV, "");
  }

  public ProtoMessage raw() {
    return msg;
  }

  public String name() {
    return msg.getString(NAME, "");
  }

  /** The charsmap blob (a copy), or an empty array when absent. */
  public byte[] precompiledCharsmap() {
    byte[] b = msg.getBytes(PRECOMPILED_CHARSMAP);
    return b == null ? new byte[0] : b;
  }

  byte[] precompiledCharsmapNoCopy() {
    byte[] b = msg.bytesNoCopy(PRECOMPILED_CHARSMAP);
    return b == null ? new byte[0] : b;
  }

  public boolean addDummyPrefix() {
    return msg.getBool(ADD_DUMMY_PREFIX, true);
  }

  public boolean removeExtraWhitespaces() {
    return msg.getBool(REMOVE_EXTRA_WHITESPACES, true);
  }

  public boolean escapeWhitespaces() {
    return msg.getBool(ESCAPE_WHITESPACES, true);
  }

  public String normalizationRuleTsv() {
    return msg.getString(NORMALIZATION_RULE_TSV, "");
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

    public Builder name(String v) {
      b.setString(NAME, v);
      return this;
    }

    public Builder precompiledCharsmap(byte[] v) {
      b.setBytes(PRECOMPILED_CHARSMAP, v);
      return this;
    }

    public Builder addDummyPrefix(boolean v) {
      b.setBool(ADD_DUMMY_PREFIX, v);
      return this;
    }

    public Builder removeExtraWhitespaces(boolean v) {
      b.setBool(REMOVE_EXTRA_WHITESPACES, v);
      return this;
    }

    public Builder escapeWhitespaces(boolean v) {
      b.setBool(ESCAPE_WHITESPACES, v);
      return this;
    }

    public Builder normalizationRuleTsv(String v) {
      b.setString(NORMALIZATION_RULE_TSV, v);
      return this;
    }

    /** Escape hatch for fields without a typed setter. */
    public ProtoMessage.Builder raw() {
      return b;
    }

    public NormalizerSpec build() {
      return new NormalizerSpec(b.build());
    }
  }
}
