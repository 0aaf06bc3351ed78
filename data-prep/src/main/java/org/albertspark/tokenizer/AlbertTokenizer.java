package org.albertspark.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * ALBERT's tokenization as HuggingFace's slow {@code AlbertTokenizer} does it, with ALBERT's
 * defaults {@code do_lower_case=true, remove_space=true, keep_accents=false}:
 *
 * <ul>
 *   <li>{@link #preprocess}: Python-whitespace strip/split/join, {@code ``} and {@code ''} → {@code
 *       "}, NFKD with combining marks removed, lower-casing;
 *   <li>{@link #tokenize} ({@code _tokenize}): SentencePiece pieces, with a piece ending in {@code
 *       ","} right after a digit re-encoded without the comma ({@code "▁9," → "▁9", ","});
 *   <li>{@link #encode}: {@code [CLS] A [SEP]} or {@code [CLS] A [SEP] B [SEP]}, token types 0/1,
 *       longest-first truncation, optional padding.
 * </ul>
 *
 * <p>Special tokens are not split out of the text (literal "[MASK]" in input is tokenized as text,
 * as {@code _tokenize} does). Immutable and thread-safe.
 */
public final class AlbertTokenizer {
  private static final char SPIECE_UNDERLINE = '\u2581';

  private final SentencePieceModel model;
  private final boolean doLowerCase;
  private final boolean keepAccents;
  private final int clsId;
  private final int sepId;
  private final int maskId;
  private final int padId;
  private final int unkId;

  public AlbertTokenizer(SentencePieceModel model) {
    this(model, true, false);
  }

  /** The HF options that matter here ({@code remove_space} is always true). */
  public AlbertTokenizer(SentencePieceModel model, boolean doLowerCase, boolean keepAccents) {
    this.model = model;
    this.doLowerCase = doLowerCase;
    this.keepAccents = keepAccents;
    this.clsId = idOrAbsent(model, "[CLS]");
    this.sepId = idOrAbsent(model, "[SEP]");
    this.maskId = idOrAbsent(model, "[MASK]");
    this.padId = idOrAbsent(model, "<pad>");
    this.unkId = model.unkId();
  }

  /** The piece's id, or −1 when the model lacks it (pieceToId would answer unk's id). */
  private static int idOrAbsent(SentencePieceModel model, String piece) {
    int id = model.pieceToId(piece);
    return id >= 0 && id < model.size() && piece.equals(model.idToPiece(id)) ? id : -1;
  }

  /**
   * A special token's id; a clear error where the vocabulary lacks it, never a silent {@code
   * <unk>}.
   */
  private static int require(int id, String piece) {
    if (id < 0) {
      throw new IllegalStateException(
          "the SentencePiece model has no "
              + piece
              + " piece, which ALBERT's"
              + " input format needs (train the vocabulary with it as a control or user-defined symbol)");
    }
    return id;
  }

  public SentencePieceModel model() {
    return model;
  }

  public int clsId() {
    return require(clsId, "[CLS]");
  }

  public int sepId() {
    return require(sepId, "[SEP]");
  }

  public int maskId() {
    return require(maskId, "[MASK]");
  }

  public int padId() {
    return require(padId, "<pad>");
  }

  public int unkId() {
    return unkId;
  }

  // ------------------------------------------------------------------ preprocessing

  /** Python's {@code str.isspace()} (Unicode White_Space-like set used by {@code str.split()}). */
  static boolean isPythonSpace(int c) {
    switch (c) {
      case 0x09,
          0x0A,
          0x0B,
          0x0C,
          0x0D,
          0x1C,
          0x1D,
          0x1E,
          0x1F,
          0x20,
          0x85,
          0xA0,
          0x1680,
          0x2028,
          0x2029,
          0x202F,
          0x205F,
          0x3000 -> {
        return true;
      }
      default -> {
        return c >= 0x2000 && c <= 0x200A;
      }
    }
  }

  /** HF {@code preprocess_text}. */
  public String preprocess(String text) {
    // remove_space: " ".join(text.strip().split())
    StringBuilder sb = new StringBuilder(text.length());
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && isPythonSpace(text.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      while (i < n && !isPythonSpace(text.charAt(i))) {
        sb.append(text.charAt(i++));
      }
    }
    String out = sb.toString();
    if (out.indexOf('`') >= 0) {
      out = out.replace("``", "\"");
    }
    if (out.indexOf('\'') >= 0) {
      out = out.replace("''", "\"");
    }
    if (!keepAccents) {
      out = stripAccents(out);
    }
    if (doLowerCase) {
      out = out.toLowerCase(Locale.ROOT);
    }
    return out;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * Code points per call of the JDK's NFKD in {@link #stripAccents}: its canonical reordering is an
   * insertion sort, quadratic in the length of a run of combining marks, so no call sees more.
   */
  static final int NFKD_CHUNK = 128;

  /**
   * NFKD, then drop every character whose canonical combining class is not 0, in time linear in the
   * length of {@code s} for any input.
   *
   * <p>NFKD decomposes each code point on its own and then only reorders marks (class ≠ 0) among
   * themselves, never across a class-0 character. Dropping the marks afterwards removes everything
   * the reordering moved, so the result is the same however the text is cut at code point
   * boundaries: it is normalized in pieces of at most {@link #NFKD_CHUNK} code points, which bounds
   * the reordering work per piece.
   */
  static String stripAccents(String s) {
    if (isAscii(s)) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    int n = s.length();
    for (int from = 0; from < n; ) {
      int to = Math.min(n, from + NFKD_CHUNK);
      if (to < n && Character.isHighSurrogate(s.charAt(to - 1))) {
        to--; // keep a surrogate pair in one piece (a lone one is passed through either way)
      }
      String d =
          java.text.Normalizer.normalize(s.subSequence(from, to), java.text.Normalizer.Form.NFKD);
      for (int i = 0; i < d.length(); ) {
        int cp = d.codePointAt(i);
        if (!Combining.isCombining(cp)) {
          sb.appendCodePoint(cp);
        }
        i += Character.charCount(cp);
      }
      from = to;
    }
    return sb.toString();
  }

  /**
   * Python's {@code unicodedata.combining(c) != 0}. Java has no API for the canonical combining
   * class, so it is derived from canonical reordering (which NFD applies by combining class): a
   * mark with class k > 0 moves before U+0301 (class 230) when k < 230, and U+0316 (class 220)
   * moves before it when k > 220. Every character with class ≠ 0 is a mark (Mn/Mc/Me), so only
   * marks are probed, once, when this class is first used.
   */
  static final class Combining {
    private static final BitSet COMBINING = new BitSet(0x110000);

    static {
      for (int cp = 0; cp <= 0x10FFFF; cp++) {
        int t = Character.getType(cp);
        if (t != Character.NON_SPACING_MARK
            && t != Character.COMBINING_SPACING_MARK
            && t != Character.ENCLOSING_MARK) {
          continue;
        }
        String c = new String(Character.toChars(cp));
        // The probe character must be stable under NFD, or the test is meaningless.
        if (!java.text.Normalizer.normalize(c, java.text.Normalizer.Form.NFD).equals(c)) {
          continue;
        }
        String a = "a\u0301" + c;
        String na = java.text.Normalizer.normalize(a, java.text.Normalizer.Form.NFD);
        boolean below230 = !na.equals(a);
        String b = "a" + c + "\u0316";
        String nb = java.text.Normalizer.normalize(b, java.text.Normalizer.Form.NFD);
        boolean above220 = !nb.equals(b);
        if (below230 || above220) {
          COMBINING.set(cp);
        }
      }
    }

    static boolean isCombining(int cp) {
      return cp >= 0x300 && COMBINING.get(cp);
    }
  }

  // ------------------------------------------------------------------ tokenization

  /**
   * Python's {@code str.isdigit()}: decimal digits plus the other Numeric_Type=Digit characters.
   */
  static boolean isPythonDigit(int c) {
    if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
      return true;
    }
    int[] r = PY_EXTRA_DIGITS;
    for (int i = 0; i < r.length; i += 2) {
      if (c >= r[i] && c <= r[i + 1]) {
        return true;
      }
    }
    return false;
  }

  // Characters that are isdigit() in Python but not Nd (Unicode 14, from unicodedata).
  private static final int[] PY_EXTRA_DIGITS = {
    0xB2, 0xB3, 0xB9, 0xB9, 0x1369, 0x1371, 0x19DA, 0x19DA, 0x2070, 0x2070, 0x2074, 0x2079,
    0x2080, 0x2089, 0x2460, 0x2468, 0x2474, 0x247C, 0x2488, 0x2490, 0x24EA, 0x24EA, 0x24F5, 0x24FD,
    0x24FF, 0x24FF, 0x2776, 0x277E, 0x2780, 0x2788, 0x278A, 0x2792, 0x10A40, 0x10A43, 0x10E60,
        0x10E68,
    0x11052, 0x1105A, 0x1F100, 0x1F10A
  };

  /** HF {@code _tokenize}: preprocess, encode as pieces, re-split "digit," pieces. */
  public List<String> tokenize(String text) {
    List<String> pieces = model.encodeAsPieces(preprocess(text));
    List<String> out = new ArrayList<>(pieces.size() + 4);
    for (String piece : pieces) {
      int cps = piece.codePointCount(0, piece.length());
      if (cps > 1
          && piece.endsWith(",")
          && isPythonDigit(piece.codePointBefore(piece.length() - 1))) {
        String core =
            piece.substring(0, piece.length() - 1).replace(String.valueOf(SPIECE_UNDERLINE), "");
        List<String> cur = new ArrayList<>(model.encodeAsPieces(core));
        if (piece.charAt(0) != SPIECE_UNDERLINE
            && !cur.isEmpty()
            && cur.get(0).charAt(0) == SPIECE_UNDERLINE) {
          if (cur.get(0).length() == 1) {
            cur.remove(0);
          } else {
            cur.set(0, cur.get(0).substring(1));
          }
        }
        cur.add(",");
        out.addAll(cur);
      } else {
        out.add(piece);
      }
    }
    return out;
  }

  /** {@link #tokenize} converted with the model's piece-to-id map (unknown tokens → unk id). */
  public int[] tokenizeToIds(String text) {
    List<String> t = tokenize(text);
    int[] ids = new int[t.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = model.pieceToId(t.get(i));
    }
    return ids;
  }

  /**
   * {@code [CLS] A [SEP]} or, when {@code textB} is not null, {@code [CLS] A [SEP] B [SEP]}.
   *
   * @param maxLength total length limit including special tokens; {@code <= 0} means no limit.
   *     Sequences are truncated longest-first (one token at a time from the longer one; on a tie
   *     from B), as HF does
   * @param padToMaxLength pad with {@code <pad>} (type 0, mask 0) up to {@code maxLength}
   */
  public EncodedInput encode(String textA, String textB, int maxLength, boolean padToMaxLength) {
    int[] a = tokenizeToIds(textA);
    int[] b = textB == null ? null : tokenizeToIds(textB);
    return encodeIds(a, b, maxLength, padToMaxLength);
  }

  /**
   * {@link #encode} from already tokenized ids. IllegalStateException (as {@link #clsId()}) when
   * the vocabulary lacks {@code [CLS]}, {@code [SEP]}, or {@code <pad>} where padding is needed.
   */
  public EncodedInput encodeIds(int[] a, int[] b, int maxLength, boolean padToMaxLength) {
    int cls = clsId();
    int sep = sepId();
    int special = b == null ? 2 : 3;
    int la = a.length;
    int lb = b == null ? 0 : b.length;
    if (maxLength > 0) {
      if (maxLength < special) {
        throw new IllegalArgumentException(
            "maxLength " + maxLength + " leaves no room for the " + special + " special tokens");
      }
      int remove = la + lb + special - maxLength;
      if (remove > 0) {
        if (b == null) {
          la -= remove;
        } else {
          // Longest first, one token at a time; ties are taken from the second sequence.
          int diff = Math.abs(la - lb);
          int first = Math.min(diff, remove);
          if (la > lb) {
            la -= first;
          } else {
            lb -= first;
          }
          int rest = remove - first;
          la -= rest / 2;
          lb -= rest - rest / 2;
        }
      }
    }
    int len = la + lb + special;
    int total = padToMaxLength && maxLength > len ? maxLength : len;
    int[] ids = new int[total];
    int[] types = new int[total];
    int[] mask = new int[total];
    int p = 0;
    ids[p++] = cls;
    System.arraycopy(a, 0, ids, p, la);
    p += la;
    ids[p++] = sep;
    if (b != null) {
      int from = p;
      System.arraycopy(b, 0, ids, p, lb);
      p += lb;
      ids[p++] = sep;
      java.util.Arrays.fill(types, from, p, 1);
    }
    java.util.Arrays.fill(mask, 0, p, 1);
    if (total > p) {
      java.util.Arrays.fill(ids, p, total, padId());
    }
    return new EncodedInput(ids, types, mask);
  }
}
