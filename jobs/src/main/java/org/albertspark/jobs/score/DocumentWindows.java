package org.albertspark.jobs.score;

/** A document's windows in order, produced lazily: each is one row of a forward pass. */
interface DocumentWindows {

  boolean hasNext();

  /** The next window's input ids, special tokens included. */
  int[] next();

  /** The token types of {@code window} (one that {@link #next} returned); null: all 0. */
  default int[] tokenTypes(int[] window) {
    return null;
  }
}
