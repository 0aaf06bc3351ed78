package org.albertspark.prep;

import java.io.Serializable;

/**
 * A document after tokenization: sentences as ids, or the reason it is skipped.
 *
 * @param id stable identity "path@offset"
 * @param key 64-bit hash of the identity (RNG seeding)
 * @param sentences token ids per non-empty sentence (null when skipped)
 * @param skipReason null when used
 * @param detail problem detail (may be null)
 * @param bytes input bytes
 * @param sentencesIn sentences before tokenization
 * @param tokens tokens in all sentences
 * @param cut the reader cut this document at --max-document-bytes
 */
public record TokenizedDocument(
    String id,
    long key,
    int[][] sentences,
    String skipReason,
    String detail,
    long bytes,
    long sentencesIn,
    long tokens,
    boolean cut)
    implements Serializable {

  public boolean used() {
    return skipReason == null;
  }
}
