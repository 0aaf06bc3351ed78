package org.albertspark.vocab;

import java.util.List;

/**
 * The trainer's result: the normal pieces with their scores, best first (the special pieces are
 * added when the model is written), and what training saw.
 */
public record TrainedVocab(List<Piece> pieces, Stats stats) {
  public TrainedVocab {
    pieces = List.copyOf(pieces);
  }

  public record Piece(String piece, float score) {}

  /**
   * @param words distinct word fragments trained on
   * @param wordCount total occurrences of those fragments
   * @param alphabetSize characters kept by the character coverage
   * @param characterCoverage the coverage those characters reach
   * @param seedPieces seed pieces (characters + frequent substrings)
   * @param emRounds EM rounds (each = sub-iterations + one pruning)
   */
  public record Stats(
      int words,
      long wordCount,
      int alphabetSize,
      double characterCoverage,
      int seedPieces,
      int emRounds) {}
}
