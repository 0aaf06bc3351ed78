package org.albertspark.jobs.score;

import org.albertspark.tokenizer.AlbertTokenizer;

/**
 * A document's windows in order, produced lazily: each is one row of a forward pass. Scoring and
 * fine-tuning on windows take the same ones.
 */
public interface DocumentWindows {

  boolean hasNext();

  /** The next window's input ids, special tokens included. */
  int[] next();

  /** The token types of {@code window} (one that {@link #next} returned); null: all 0. */
  default int[] tokenTypes(int[] window) {
    return null;
  }

  /**
   * The windows of {@code text} ({@link TokenWindows}), or of the pair ({@code text}, {@code pair})
   * when {@code pair} is not null ({@link PairWindows}); windows of {@code maxSeqLength} tokens
   * overlapping by {@code stride}. A text with no tokens has no windows.
   */
  /** No windows. */
  DocumentWindows NONE =
      new DocumentWindows() {
        @Override
        public boolean hasNext() {
          return false;
        }

        @Override
        public int[] next() {
          throw new java.util.NoSuchElementException();
        }
      };

  static DocumentWindows of(
      AlbertTokenizer tokenizer, String text, String pair, int maxSeqLength, int stride) {
    if (pair == null) {
      return new TokenWindows(tokenizer, text, maxSeqLength, stride);
    }
    int[] a = tokenizer.tokenizeToIds(text);
    int[] b = tokenizer.tokenizeToIds(pair);
    if (a.length == 0 || b.length == 0) {
      return NONE;
    }
    return new PairWindows(tokenizer, a, b, maxSeqLength, stride);
  }
}
