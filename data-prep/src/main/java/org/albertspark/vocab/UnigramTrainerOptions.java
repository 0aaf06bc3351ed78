package org.albertspark.vocab;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the unigram vocabulary trainer, with the defaults of ALBERT's 30k-clean vocabulary
 * ({@code spm_train} flags: {@code --pad_id=0 --unk_id=1 --bos_id=-1 --eos_id=-1
 * --control_symbols=[CLS],[SEP],[MASK] --user_defined_symbols=(,),",-,.,–,£,€
 * --character_coverage=0.99995 --model_type=unigram}).
 *
 * <p>Immutable; use {@link #builder()}. Only {@code split_by_whitespace=true} and {@code
 * treat_whitespace_as_suffix=false} are supported (SentencePiece's defaults).
 */
public final class UnigramTrainerOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final List<String> ALBERT_CONTROL_SYMBOLS = List.of("[CLS]", "[SEP]", "[MASK]");
  public static final List<String> ALBERT_USER_DEFINED_SYMBOLS =
      List.of("(", ")", "\"", "-", ".", "\u2013", "\u00a3", "\u20ac");

  final int vocabSize;
  final float characterCoverage;
  final int maxPieceLength;
  final int seedSentencepieceSize;
  final float shrinkingFactor;
  final int numSubIterations;
  final boolean splitByUnicodeScript;
  final boolean splitByNumber;
  final boolean splitDigits;
  final int numThreads;
  final int unkId;
  final int padId;
  final int bosId;
  final int eosId;
  final List<String> controlSymbols;
  final List<String> userDefinedSymbols;

  private UnigramTrainerOptions(Builder b) {
    this.vocabSize = b.vocabSize;
    this.characterCoverage = b.characterCoverage;
    this.maxPieceLength = b.maxPieceLength;
    this.seedSentencepieceSize = b.seedSentencepieceSize;
    this.shrinkingFactor = b.shrinkingFactor;
    this.numSubIterations = b.numSubIterations;
    this.splitByUnicodeScript = b.splitByUnicodeScript;
    this.splitByNumber = b.splitByNumber;
    this.splitDigits = b.splitDigits;
    this.numThreads = b.numThreads;
    this.unkId = b.unkId;
    this.padId = b.padId;
    this.bosId = b.bosId;
    this.eosId = b.eosId;
    this.controlSymbols = List.copyOf(b.controlSymbols);
    this.userDefinedSymbols = List.copyOf(b.userDefinedSymbols);
    validate();
  }

  private void validate() {
    if (vocabSize < 1) {
      throw new IllegalArgumentException("vocab size must be positive, got " + vocabSize);
    }
    if (!(characterCoverage >= 0.98f && characterCoverage <= 1.0f)) {
      throw new IllegalArgumentException(
          "character coverage must be in [0.98, 1.0] (as spm_train requires), got "
              + characterCoverage);
    }
    if (maxPieceLength < 1 || maxPieceLength > 512) {
      throw new IllegalArgumentException(
          "max piece length must be in [1, 512], got " + maxPieceLength);
    }
    if (seedSentencepieceSize < 1000 || seedSentencepieceSize > 5_000_000) {
      throw new IllegalArgumentException(
          "seed sentencepiece size must be in [1000, 5000000], got " + seedSentencepieceSize);
    }
    if (!(shrinkingFactor >= 0.5f && shrinkingFactor <= 0.95f)) {
      throw new IllegalArgumentException(
          "shrinking factor must be in [0.5, 0.95], got " + shrinkingFactor);
    }
    if (numSubIterations < 1 || numSubIterations > 10) {
      throw new IllegalArgumentException(
          "EM sub-iterations must be in [1, 10], got " + numSubIterations);
    }
    if (numThreads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + numThreads);
    }
    if (unkId < 0) {
      throw new IllegalArgumentException("unk id must be >= 0 (<unk> is required), got " + unkId);
    }
    Set<Integer> ids = new LinkedHashSet<>();
    for (int id : new int[] {unkId, padId, bosId, eosId}) {
      if (id >= vocabSize) {
        throw new IllegalArgumentException(
            "special id " + id + " must be < vocab size " + vocabSize);
      }
      if (id >= 0 && !ids.add(id)) {
        throw new IllegalArgumentException(
            "special ids must be distinct, " + id + " is used twice");
      }
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String s : metaSymbols()) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("empty control/user-defined symbol");
      }
      if (s.indexOf(' ') >= 0 || s.indexOf(Pieces.WS) >= 0) {
        throw new IllegalArgumentException(
            "control/user-defined symbols must not contain whitespace: '" + s + "'");
      }
      if (!seen.add(s)) {
        throw new IllegalArgumentException("symbol '" + s + "' is defined twice");
      }
    }
    for (String s : List.of("<unk>", "<pad>", "<s>", "</s>")) {
      if (seen.contains(s)) {
        throw new IllegalArgumentException(
            s + " must not be given as a control/user-defined symbol");
      }
    }
  }

  /** Number of special pieces (unk, pad/bos/eos when enabled, control and user-defined symbols). */
  public int metaPieceCount() {
    int n = 1;
    if (padId >= 0) {
      n++;
    }
    if (bosId >= 0) {
      n++;
    }
    if (eosId >= 0) {
      n++;
    }
    return n + controlSymbols.size() + userDefinedSymbols.size();
  }

  /** Control and user-defined symbols, in that order. */
  List<String> metaSymbols() {
    List<String> all = new ArrayList<>(controlSymbols);
    all.addAll(userDefinedSymbols);
    return all;
  }

  /**
   * Every special piece string SentencePiece removes from training text (it replaces them by a
   * boundary): unk/pad/bos/eos pieces that are enabled, control and user-defined symbols.
   */
  public List<String> trainingBoundarySymbols() {
    List<String> all = new ArrayList<>();
    all.add("<unk>");
    if (padId >= 0) {
      all.add("<pad>");
    }
    if (bosId >= 0) {
      all.add("<s>");
    }
    if (eosId >= 0) {
      all.add("</s>");
    }
    all.addAll(metaSymbols());
    return all;
  }

  public int vocabSize() {
    return vocabSize;
  }

  public float characterCoverage() {
    return characterCoverage;
  }

  public int maxPieceLength() {
    return maxPieceLength;
  }

  public int seedSentencepieceSize() {
    return seedSentencepieceSize;
  }

  public float shrinkingFactor() {
    return shrinkingFactor;
  }

  public int numSubIterations() {
    return numSubIterations;
  }

  public boolean splitByUnicodeScript() {
    return splitByUnicodeScript;
  }

  public boolean splitByNumber() {
    return splitByNumber;
  }

  public boolean splitDigits() {
    return splitDigits;
  }

  public int numThreads() {
    return numThreads;
  }

  public int unkId() {
    return unkId;
  }

  public int padId() {
    return padId;
  }

  public int bosId() {
    return bosId;
  }

  public int eosId() {
    return eosId;
  }

  public List<String> controlSymbols() {
    return controlSymbols;
  }

  public List<String> userDefinedSymbols() {
    return userDefinedSymbols;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.vocabSize = vocabSize;
    b.characterCoverage = characterCoverage;
    b.maxPieceLength = maxPieceLength;
    b.seedSentencepieceSize = seedSentencepieceSize;
    b.shrinkingFactor = shrinkingFactor;
    b.numSubIterations = numSubIterations;
    b.splitByUnicodeScript = splitByUnicodeScript;
    b.splitByNumber = splitByNumber;
    b.splitDigits = splitDigits;
    b.numThreads = numThreads;
    b.unkId = unkId;
    b.padId = padId;
    b.bosId = bosId;
    b.eosId = eosId;
    b.controlSymbols = new ArrayList<>(controlSymbols);
    b.userDefinedSymbols = new ArrayList<>(userDefinedSymbols);
    return b;
  }

  /** ALBERT's defaults with vocabulary size 30,000. */
  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private int vocabSize = 30000;
    private float characterCoverage = 0.99995f;
    private int maxPieceLength = 16;
    private int seedSentencepieceSize = 1_000_000;
    private float shrinkingFactor = 0.75f;
    private int numSubIterations = 2;
    private boolean splitByUnicodeScript = true;
    private boolean splitByNumber = true;
    private boolean splitDigits = false;
    private int numThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int unkId = 1;
    private int padId = 0;
    private int bosId = -1;
    private int eosId = -1;
    private List<String> controlSymbols = new ArrayList<>(ALBERT_CONTROL_SYMBOLS);
    private List<String> userDefinedSymbols = new ArrayList<>(ALBERT_USER_DEFINED_SYMBOLS);

    public Builder vocabSize(int v) {
      vocabSize = v;
      return this;
    }

    public Builder characterCoverage(float v) {
      characterCoverage = v;
      return this;
    }

    public Builder maxPieceLength(int v) {
      maxPieceLength = v;
      return this;
    }

    public Builder seedSentencepieceSize(int v) {
      seedSentencepieceSize = v;
      return this;
    }

    public Builder shrinkingFactor(float v) {
      shrinkingFactor = v;
      return this;
    }

    public Builder numSubIterations(int v) {
      numSubIterations = v;
      return this;
    }

    public Builder splitByUnicodeScript(boolean v) {
      splitByUnicodeScript = v;
      return this;
    }

    public Builder splitByNumber(boolean v) {
      splitByNumber = v;
      return this;
    }

    public Builder splitDigits(boolean v) {
      splitDigits = v;
      return this;
    }

    public Builder numThreads(int v) {
      numThreads = v;
      return this;
    }

    public Builder unkId(int v) {
      unkId = v;
      return this;
    }

    public Builder padId(int v) {
      padId = v;
      return this;
    }

    public Builder bosId(int v) {
      bosId = v;
      return this;
    }

    public Builder eosId(int v) {
      eosId = v;
      return this;
    }

    public Builder controlSymbols(List<String> v) {
      controlSymbols = new ArrayList<>(v);
      return this;
    }

    public Builder userDefinedSymbols(List<String> v) {
      userDefinedSymbols = new ArrayList<>(v);
      return this;
    }

    public UnigramTrainerOptions build() {
      return new UnigramTrainerOptions(this);
    }
  }
}
