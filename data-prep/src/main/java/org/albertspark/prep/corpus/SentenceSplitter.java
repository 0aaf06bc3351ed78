package org.albertspark.prep.corpus;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits running text into sentences: first at line breaks (paragraphs), then with {@link
 * java.text.BreakIterator}'s sentence rules (root locale). BreakIterator handles the common cases
 * (terminal punctuation followed by space and capital, quotes, ellipses, abbreviations such as
 * "Mr." only partially); it is what the issue asks for and needs no extra dependency.
 */
public final class SentenceSplitter {
  private static final ThreadLocal<BreakIterator> ITER =
      ThreadLocal.withInitial(() -> BreakIterator.getSentenceInstance(Locale.ROOT));

  private SentenceSplitter() {}

  public static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    BreakIterator it = ITER.get();
    int lineStart = 0;
    int n = text.length();
    while (lineStart <= n) {
      int nl = text.indexOf('\n', lineStart);
      int lineEnd = nl < 0 ? n : nl;
      String para = text.substring(lineStart, lineEnd);
      if (!para.isBlank()) {
        it.setText(para);
        int s = it.first();
        for (int e = it.next(); e != BreakIterator.DONE; s = e, e = it.next()) {
          String sentence = para.substring(s, e).strip();
          if (!sentence.isEmpty()) {
            out.add(sentence);
          }
        }
      }
      if (nl < 0) {
        break;
      }
      lineStart = nl + 1;
    }
    return out;
  }
}
