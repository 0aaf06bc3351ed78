package org.albertspark.prep;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.albertspark.prep.corpus.CorpusDocument;
import org.albertspark.prep.corpus.Problem;
import org.albertspark.prep.util.Hashing;

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
    Problem skipReason,
    String detail,
    long bytes,
    long sentencesIn,
    long tokens,
    boolean cut)
    implements Serializable {

  public boolean used() {
    return skipReason == null;
  }

  /**
   * Tokenizes each sentence, dropping those that tokenize to nothing; skipped when the reader found
   * a problem or fewer than two sentences remain.
   */
  static TokenizedDocument of(CorpusDocument d, PrepTokenizer tok) {
    String id = d.id();
    long key = Hashing.hash64(id);
    if (!d.isOk()) {
      return new TokenizedDocument(id, key, null, d.problem(), d.detail(), d.bytes(), 0, 0, false);
    }
    List<int[]> sentences = new ArrayList<>(d.sentences().size());
    long tokens = 0;
    for (String s : d.sentences()) {
      int[] ids = tok.encode(s);
      if (ids.length > 0) {
        sentences.add(ids);
        tokens += ids.length;
      }
    }
    Problem reason = null;
    String detail = null;
    if (sentences.isEmpty()) {
      reason = Problem.NO_TOKENS;
      detail = "text tokenizes to nothing";
    } else if (sentences.size() == 1) {
      reason = Problem.ONE_SENTENCE;
      detail = "a sentence-order pair needs two sentences";
    }
    return new TokenizedDocument(
        id,
        key,
        reason == null ? sentences.toArray(new int[0][]) : null,
        reason,
        detail,
        d.bytes(),
        d.sentences().size(),
        tokens,
        d.cutAtSizeLimit());
  }
}
