package org.albertspark.vocab;

import java.lang.Character.UnicodeScript;

/** SentencePiece's rules for which strings may become pieces ({@code IsValidSentencePiece}). */
final class Pieces {
  /** ▁ (U+2581), SentencePiece's visible space. */
  static final char WS = '\u2581';

  /** ▅ (U+2585), the trainer's marker for characters outside the character coverage. */
  static final int UNK_CHAR = 0x2585;

  /** Tab: the trainer's boundary (SentencePiece's kUPPBoundaryChar). */
  static final int BOUNDARY = '\t';

  private static final int ANY = -1;

  private Pieces() {}

  /** The script class of a code point as SentencePiece's unicode_script sees it. */
  static int script(int cp) {
    if (cp == 0x30FC) {
      return UnicodeScript.HAN.ordinal();
    }
    UnicodeScript s;
    try {
      s = UnicodeScript.of(cp);
    } catch (IllegalArgumentException e) {
      return UnicodeScript.COMMON.ordinal();
    }
    if (s == UnicodeScript.HIRAGANA || s == UnicodeScript.KATAKANA) {
      s = UnicodeScript.HAN;
    }
    if (s == UnicodeScript.UNKNOWN) {
      s = UnicodeScript.COMMON;
    }
    return s.ordinal();
  }

  static boolean isDecimal(int cp) {
    return Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER;
  }

  /**
   * The length (in code points, from {@code begin}) of the longest prefix of {@code cps[begin,
   * end)} that is a valid piece, given that a valid piece is prefix-closed: {@code
   * IsValidSentencePiece} with split_by_whitespace=true, treat_whitespace_as_suffix=false.
   */
  static int longestValidPrefix(int[] cps, int begin, int end, UnigramTrainerOptions o) {
    int max = Math.min(end - begin, o.maxPieceLength);
    int prev = ANY;
    for (int k = 0; k < max; k++) {
      int c = cps[begin + k];
      if (c == UNK_CHAR || c == 0 || c == BOUNDARY || c == ' ' || !validCodepoint(c)) {
        return k;
      }
      if (c == WS) {
        if (k > 0) {
          return k;
        }
        continue;
      }
      int s = script(c);
      if (s == UnicodeScript.INHERITED.ordinal()) {
        s = prev;
      }
      boolean dec = isDecimal(c);
      if (!o.splitByNumber && dec) {
        s = ANY;
      }
      if (o.splitDigits && dec && k > 0) {
        return k;
      }
      if (o.splitDigits && k > 0 && isDecimal(cps[begin])) {
        return k;
      }
      if (o.splitByUnicodeScript && s != ANY && prev != ANY && prev != s) {
        return k;
      }
      prev = s;
    }
    return max;
  }

  static boolean isValid(int[] cps, int begin, int end, UnigramTrainerOptions o) {
    return end > begin && longestValidPrefix(cps, begin, end, o) == end - begin;
  }

  static boolean validCodepoint(int c) {
    return (c < 0xD800 || (c > 0xDFFF && c <= 0x10FFFF));
  }

  /** Compares strings by code point (= UTF-8 byte order, std::string's order). */
  static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        boolean sx = Character.isSurrogate(x);
        boolean sy = Character.isSurrogate(y);
        if (sx != sy) {
          return sx ? 1 : -1; // surrogates encode code points above every BMP char
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }
}
