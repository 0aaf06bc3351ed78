package org.albertspark.prep.mask;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What masking needs to know about a vocabulary, as flat per-id tables: which ids start a word
 * (whole-word masking), which ids are special and never masked, which ids may be drawn as the
 * "random token" replacement, and the ids of [CLS], [SEP], [MASK], padding.
 */
public final class VocabInfo implements Serializable {
  private static final long serialVersionUID = 1L;

  /** SentencePiece's word-boundary marker U+2581. */
  public static final char WORD_MARK = '\u2581';

  private static final String PUNCT = "!\"#$%&()*+,-./:;?@[\\]^_`{|}~";

  private final int size;
  private final int clsId;
  private final int sepId;
  private final int maskId;
  private final int padId;
  private final boolean[] wordStart;
  private final boolean[] special;
  private final int[] randomCandidates;

  /**
   * @param wordStart per id: does a piece with this id begin a word
   * @param special per id: never masked and never drawn as a random replacement (control pieces,
   *     padding)
   * @param randomCandidates ids eligible as the 10% random replacement (ordinary pieces)
   */
  public VocabInfo(
      int clsId,
      int sepId,
      int maskId,
      int padId,
      boolean[] wordStart,
      boolean[] special,
      int[] randomCandidates) {
    this.size = wordStart.length;
    if (special.length != size) {
      throw new IllegalArgumentException("table sizes differ");
    }
    if (randomCandidates.length == 0) {
      throw new IllegalArgumentException(
          "vocabulary has no ordinary pieces to draw random tokens from");
    }
    for (int id : new int[] {clsId, sepId, maskId}) {
      if (id < 0 || id >= size) {
        throw new IllegalArgumentException(
            "special token id " + id + " outside vocabulary of " + size);
      }
    }
    this.clsId = clsId;
    this.sepId = sepId;
    this.maskId = maskId;
    this.padId = padId;
    this.wordStart = wordStart.clone();
    this.special = special.clone();
    this.special[clsId] = true;
    this.special[sepId] = true;
    this.special[maskId] = true;
    if (padId >= 0 && padId < size) {
      this.special[padId] = true;
    }
    this.randomCandidates = randomCandidates.clone();
  }

  /**
   * Does a SentencePiece piece start a word? ALBERT's rule ({@code _is_start_piece_sp}): a piece
   * starting with U+2581 or '<', a single punctuation character, or any piece containing a
   * character that is neither an ASCII letter nor punctuation (digits, apostrophes, non-Latin
   * script) starts a word; other pieces (plain letters continuing a word) continue the previous
   * word.
   */
  public static boolean isStartPiece(String piece) {
    if (piece.isEmpty()) {
      return true;
    }
    char c0 = piece.charAt(0);
    if (c0 == WORD_MARK || c0 == '<') {
      return true;
    }
    if (piece.length() == 1 && PUNCT.indexOf(c0) >= 0) {
      return true;
    }
    for (int i = 0; i < piece.length(); i++) {
      char c = Character.toLowerCase(piece.charAt(i));
      boolean english = c >= 'a' && c <= 'z';
      if (!english && PUNCT.indexOf(c) < 0) {
        return true;
      }
    }
    return false;
  }

  public int size() {
    return size;
  }

  public int clsId() {
    return clsId;
  }

  public int sepId() {
    return sepId;
  }

  public int maskId() {
    return maskId;
  }

  public int padId() {
    return padId;
  }

  public boolean isWordStart(int id) {
    return id < 0 || id >= size || wordStart[id];
  }

  public boolean isSpecial(int id) {
    return id < 0 || id >= size || special[id];
  }

  public int randomCandidateCount() {
    return randomCandidates.length;
  }

  public int randomCandidate(int i) {
    return randomCandidates[i];
  }

  /** Whether {@code id} may be drawn as a random replacement token. */
  public boolean isRandomCandidate(int id) {
    return Arrays.binarySearch(randomCandidates, id) >= 0;
  }
}
