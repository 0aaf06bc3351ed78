package org.albertspark.vocab;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts a normalized word at special symbols (control and user-defined symbols, {@code <unk>}, ...).
 * SentencePiece's trainer replaces every such symbol in the normalized training text by a boundary
 * (longest match, left to right) so no learned piece overlaps one; a word such as {@code
 * ▁well-known.} therefore trains as the fragments {@code ▁well} and {@code known}.
 */
public final class MetaSymbolSplitter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String[] symbols; // longest first

  public MetaSymbolSplitter(List<String> symbols) {
    List<String> s = new ArrayList<>();
    for (String x : symbols)
      if (!x.isEmpty()) {
        s.add(x);
      }
    s.sort(
        Comparator.comparingInt(String::length)
            .reversed()
            .thenComparing(Comparator.naturalOrder()));
    this.symbols = s.toArray(new String[0]);
  }

  /**
   * Adds {@code count} × the characters of {@code word} to {@code into}, each special symbol
   * counting as one boundary character (U+0009), as SentencePiece counts the training text.
   */
  public void countChars(String word, long count, java.util.Map<Integer, Long> into) {
    int i = 0;
    int n = word.length();
    outer:
    while (i < n) {
      for (String s : symbols) {
        if (word.startsWith(s, i)) {
          into.merge(Pieces.BOUNDARY, count, Long::sum);
          i += s.length();
          continue outer;
        }
      }
      int cp = word.codePointAt(i);
      into.merge(cp, count, Long::sum);
      i += Character.charCount(cp);
    }
  }

  /** Appends the non-empty fragments of {@code word} to {@code out}. */
  public void split(String word, List<String> out) {
    int start = 0;
    int i = 0;
    int n = word.length();
    outer:
    while (i < n) {
      for (String s : symbols) {
        if (word.startsWith(s, i)) {
          if (i > start) {
            out.add(word.substring(start, i));
          }
          i += s.length();
          start = i;
          continue outer;
        }
      }
      i++;
    }
    if (n > start) {
      out.add(start == 0 ? word : word.substring(start));
    }
  }

  public List<String> split(String word) {
    List<String> out = new ArrayList<>(2);
    split(word, out);
    return out;
  }
}
