package org.albertspark.vocab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trainer's input: distinct normalized words (as SentencePiece splits them: each starts with ▁
 * when it followed a space, special symbols cut out) with their corpus counts, plus the character
 * counts of the whole corpus (for character coverage).
 *
 * <p>Entries are kept in a canonical order — count descending, then word by code point — so
 * training depends only on the table's content, never on how it was produced or partitioned.
 */
public final class WordTable {
  final String[] words;
  final long[] counts;

  /** Code point → count over the corpus (may include words that were cut from the table). */
  final Map<Integer, Long> charCounts;

  private final long totalCount;

  private WordTable(String[] words, long[] counts, Map<Integer, Long> charCounts) {
    this.words = words;
    this.counts = counts;
    this.charCounts = charCounts;
    long t = 0;
    for (long c : counts) t += c;
    this.totalCount = t;
  }

  /** A table from word counts; character counts are derived from the words. */
  public static WordTable of(Map<String, Long> wordCounts, UnigramTrainerOptions options) {
    return of(wordCounts, null, options);
  }

  /**
   * A table from word counts (words normalized and split at ▁ as SentencePiece does; they are cut
   * at special symbols here) and optional corpus-wide character counts (null: derived from the
   * words, see {@link MetaSymbolSplitter#countChars}).
   *
   * @throws IllegalArgumentException for an empty table, a non-positive count, a word containing a
   *     space (not normalized) or a NUL
   */
  public static WordTable of(
      Map<String, Long> wordCounts, Map<Integer, Long> charCounts, UnigramTrainerOptions options) {
    MetaSymbolSplitter splitter = new MetaSymbolSplitter(options.trainingBoundarySymbols());
    Map<String, Long> merged = new HashMap<>(wordCounts.size() * 2);
    List<String> frag = new ArrayList<>(4);
    Map<Integer, Long> derivedChars = charCounts == null ? new HashMap<>() : null;
    for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
      String w = e.getKey();
      Long c = e.getValue();
      if (w == null || w.isEmpty()) {
        continue;
      }
      if (c == null || c <= 0) {
        throw new IllegalArgumentException("word count must be positive: '" + w + "' has " + c);
      }
      if (w.indexOf(' ') >= 0) {
        throw new IllegalArgumentException(
            "word '" + w + "' contains a space: words must be normalized (spaces become \u2581)");
      }
      if (w.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("word contains NUL: '" + w.replace("\0", "\\0") + "'");
      }
      frag.clear();
      splitter.split(w, frag);
      if (derivedChars != null) {
        splitter.countChars(w, c, derivedChars);
      }
      for (String f : frag) merged.merge(f, c, Long::sum);
    }
    if (merged.isEmpty()) {
      throw new IllegalArgumentException(
          "the word table is empty: the corpus has no text to train on");
    }
    List<Map.Entry<String, Long>> entries = new ArrayList<>(merged.entrySet());
    entries.sort(WordTable::canonical);
    String[] words = new String[entries.size()];
    long[] counts = new long[entries.size()];
    for (int i = 0; i < words.length; i++) {
      words[i] = entries.get(i).getKey();
      counts[i] = entries.get(i).getValue();
    }
    Map<Integer, Long> chars = charCounts == null ? derivedChars : charCounts;
    return new WordTable(words, counts, Collections.unmodifiableMap(new TreeMap<>(chars)));
  }

  /** Count descending, then word by code point (the canonical order of the table). */
  static int canonical(Map.Entry<String, Long> a, Map.Entry<String, Long> b) {
    int c = Long.compare(b.getValue(), a.getValue());
    return c != 0 ? c : Pieces.compareCodePoints(a.getKey(), b.getKey());
  }

  public int size() {
    return words.length;
  }

  public String word(int i) {
    return words[i];
  }

  public long count(int i) {
    return counts[i];
  }

  /** Sum of the counts of the words in the table. */
  public long totalCount() {
    return totalCount;
  }

  public Map<Integer, Long> charCounts() {
    return charCounts;
  }
}
