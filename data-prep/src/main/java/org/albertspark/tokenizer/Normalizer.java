package org.albertspark.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SentencePiece text normalization, as {@code normalizer.cc} does it: longest-match rewriting with
 * the precompiled charsmap on UTF-8 bytes (user-defined symbols are matched first and copied
 * verbatim), invalid UTF-8 bytes → U+FFFD one byte at a time, whitespace collapsing ({@code
 * remove_extra_whitespaces}), ' ' → ▁ (U+2581, {@code escape_whitespaces}) and the dummy prefix ▁
 * ({@code add_dummy_prefix}; a suffix when {@code treat_whitespace_as_suffix}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Normalizer {
  static final byte[] SPACE_SYMBOL = {(byte) 0xE2, (byte) 0x96, (byte) 0x81}; // ▁
  private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD}; // U+FFFD
  private static final byte[] SPACE = {' '};

  private final PrecompiledCharsMap charsMap; // null: identity
  private final ByteTrie userSymbols; // null: none
  private final boolean addDummyPrefix;
  private final boolean removeExtraWhitespaces;
  private final boolean escapeWhitespaces;
  private final boolean treatWhitespaceAsSuffix;

  /** ASCII bytes that no rule and no user-defined symbol can start with: copied as is. */
  private final boolean[] plainAscii = new boolean[128];

  private final boolean[] userFirst = new boolean[256];

  Normalizer(
      NormalizerSpec spec, boolean treatWhitespaceAsSuffix, List<byte[]> userDefinedSymbols) {
    byte[] blob = spec.precompiledCharsmapNoCopy();
    this.charsMap = blob.length == 0 ? null : PrecompiledCharsMap.decode(blob);
    this.addDummyPrefix = spec.addDummyPrefix();
    this.removeExtraWhitespaces = spec.removeExtraWhitespaces();
    this.escapeWhitespaces = spec.escapeWhitespaces();
    this.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
    if (userDefinedSymbols == null || userDefinedSymbols.isEmpty()) {
      this.userSymbols = null;
    } else {
      byte[][] keys = userDefinedSymbols.toArray(new byte[0][]);
      int[] vals = new int[keys.length];
      for (int i = 0; i < keys.length; i++) {
        if (keys[i].length > 0) {
          userFirst[keys[i][0] & 0xFF] = true;
        }
      }
      this.userSymbols = ByteTrie.build(keys, vals);
    }
    for (int b = 0; b < 128; b++) {
      plainAscii[b] = !userFirst[b] && (charsMap == null || !charsMap.mayMatch(b));
    }
  }

  /** A normalizer for a spec alone (no user-defined symbols). */
  public static Normalizer of(NormalizerSpec spec) {
    return new Normalizer(spec, false, List.of());
  }

  /**
   * The normalized text exactly as SentencePiece produces it (with ▁ for spaces and the dummy
   * prefix).
   */
  public String normalize(String text) {
    byte[] in = new byte[Utf8.maxEncodedLength(text)];
    int n = Utf8.encode(text, in);
    ByteBuf out = new ByteBuf(n + 8);
    normalize(in, 0, n, out);
    return new String(out.a, 0, out.n, StandardCharsets.UTF_8);
  }

  /** Normalizes UTF-8 bytes (invalid sequences allowed); the result is valid UTF-8. */
  public byte[] normalizeUtf8(byte[] in) {
    ByteBuf out = new ByteBuf(in.length + 8);
    normalize(in, 0, in.length, out);
    return java.util.Arrays.copyOf(out.a, out.n);
  }

  // The replacement chosen by normalizePrefix: src[off, off + len). One holder per call.
  private static final class Prefix {
    byte[] src;
    int off;
    int len;
  }

  /** NormalizePrefix: sets {@code p} and returns how many input bytes were consumed. */
  private int normalizePrefix(byte[] in, int pos, int end, Prefix p) {
    int b0 = in[pos] & 0xFF;
    if (userSymbols != null && userFirst[b0]) {
      int l = userSymbols.longestPrefix(in, pos, end);
      if (l > 0) {
        p.src = in;
        p.off = pos;
        p.len = l;
        return l;
      }
    }
    if (charsMap != null && charsMap.mayMatch(b0)) {
      long m = charsMap.longestMatch(in, pos, end);
      if (m != 0) {
        int v = (int) (m >>> 32);
        p.src = charsMap.strings();
        p.off = v;
        p.len = charsMap.stringEnd(v) - v;
        return (int) m;
      }
    }
    int l = Utf8.validCharLen(in, pos, end);
    if (l < 0) {
      p.src = REPLACEMENT;
      p.off = 0;
      p.len = 3;
      return 1;
    }
    p.src = in;
    p.off = pos;
    p.len = l;
    return l;
  }

  private void addWs(ByteBuf out) {
    if (escapeWhitespaces) {
      out.put(SPACE_SYMBOL, 0, 3);
    } else {
      out.put((byte) ' ');
    }
  }

  /** Normalizes {@code in[from, to)} and appends the result to {@code out} (cleared first). */
  void normalize(byte[] in, int from, int to, ByteBuf out) {
    out.clear();
    int pos = from;
    if (pos >= to) {
      return;
    }
    Prefix p = new Prefix();
    if (removeExtraWhitespaces) {
      while (pos < to) {
        int consumed = normalizePrefix(in, pos, to, p);
        if (!(p.len == 1 && p.src[p.off] == ' ')) {
          break;
        }
        pos += consumed;
      }
    }
    if (pos >= to) {
      return;
    }
    out.ensureExtra((to - pos) + 8);
    if (!treatWhitespaceAsSuffix && addDummyPrefix) {
      addWs(out);
    }
    boolean prevSpace = removeExtraWhitespaces;
    final boolean[] plain = plainAscii;
    while (pos < to) {
      int b = in[pos];
      if (b >= 0 && plain[b]) {
        // Fast path: an ASCII byte no rule touches is its own normalization.
        if (b == ' ') {
          if (!prevSpace) {
            if (escapeWhitespaces) {
              out.put(SPACE_SYMBOL, 0, 3);
            } else {
              out.put((byte) ' ');
            }
            prevSpace = true;
          }
        } else {
          out.put((byte) b);
          prevSpace = false;
        }
        pos++;
      } else {
        int consumed = normalizePrefix(in, pos, to, p);
        byte[] src = p.src;
        int o = p.off;
        int e = p.off + p.len;
        if (prevSpace) {
          while (o < e && src[o] == ' ') {
            o++;
          }
        }
        if (o < e) {
          for (int k = o; k < e; k++) {
            if (escapeWhitespaces && src[k] == ' ') {
              out.put(SPACE_SYMBOL, 0, 3);
            } else {
              out.put(src[k]);
            }
          }
          prevSpace = src[e - 1] == ' ';
        }
        pos += consumed;
      }
      if (!removeExtraWhitespaces) {
        prevSpace = false;
      }
    }
    if (removeExtraWhitespaces) {
      byte[] space = escapeWhitespaces ? SPACE_SYMBOL : SPACE;
      while (out.endsWith(space)) {
        out.n -= space.length;
      }
    }
    if (treatWhitespaceAsSuffix && addDummyPrefix) {
      addWs(out);
    }
  }
}
