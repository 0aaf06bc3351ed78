package org.albertspark.tokenizer;

/** UTF-8 helpers with SentencePiece's exact validity rules (string_util.cc). */
final class Utf8 {
  private Utf8() {}

  /** SentencePiece's OneCharLen: the length implied by the lead byte (no validation). */
  static int oneCharLen(int leadByte) {
    int hi = (leadByte & 0xFF) >>> 4;
    return hi < 12 ? 1 : (hi < 14 ? 2 : (hi == 14 ? 3 : 4));
  }

  private static boolean trail(byte b) {
    return (b & 0xC0) == 0x80;
  }

  private static boolean validCodepoint(int c) {
    return c < 0xD800 || (c >= 0xE000 && c <= 0x10FFFF);
  }

  /**
   * SentencePiece's IsValidDecodeUTF8 at {@code s[pos, end)}: the length of a valid character, or
   * -1 when the byte at {@code pos} starts no valid character (then exactly one byte is consumed
   * and replaced by U+FFFD).
   */
  static int validCharLen(byte[] s, int pos, int end) {
    int b0 = s[pos] & 0xFF;
    int len = end - pos;
    if (b0 < 0x80) {
      return 1;
    }
    if (len >= 2 && (b0 & 0xE0) == 0xC0) {
      int cp = ((b0 & 0x1F) << 6) | (s[pos + 1] & 0x3F);
      if (trail(s[pos + 1]) && cp >= 0x80 && validCodepoint(cp)) {
        return 2;
      }
    } else if (len >= 3 && (b0 & 0xF0) == 0xE0) {
      int cp = ((b0 & 0x0F) << 12) | ((s[pos + 1] & 0x3F) << 6) | (s[pos + 2] & 0x3F);
      if (trail(s[pos + 1]) && trail(s[pos + 2]) && cp >= 0x800 && validCodepoint(cp)) {
        return 3;
      }
    } else if (len >= 4 && (b0 & 0xF8) == 0xF0) {
      int cp =
          ((b0 & 0x07) << 18)
              | ((s[pos + 1] & 0x3F) << 12)
              | ((s[pos + 2] & 0x3F) << 6)
              | (s[pos + 3] & 0x3F);
      if (trail(s[pos + 1])
          && trail(s[pos + 2])
          && trail(s[pos + 3])
          && cp >= 0x10000
          && validCodepoint(cp)) {
        return 4;
      }
    }
    return -1;
  }

  /** Stands for an unpaired surrogate in the byte form of a Java string (see {@link #encode}). */
  static final byte LONE_SURROGATE_BYTE = (byte) 0xFF;

  /** Upper bound of the UTF-8 size of a Java string. */
  static int maxEncodedLength(CharSequence s) {
    return s.length() * 3;
  }

  /**
   * Encodes {@code text} as UTF-8 into {@code out} (which must hold {@link #maxEncodedLength}
   * bytes) and returns the length. A lone (unpaired) surrogate has no UTF-8 form: it is written as
   * the single byte 0xFF, which is never valid UTF-8, so SentencePiece's rule for malformed input
   * applies to it — one U+FFFD character, not normalized, hence an unknown piece. (A literal U+FFFD
   * in the text is different: nmt_nfkc maps it to a space.)
   */
  static int encode(String text, byte[] out) {
    int n = text.length();
    int o = 0;
    int i = 0;
    while (i < n) {
      char c = text.charAt(i++);
      if (c < 0x80) {
        out[o++] = (byte) c;
        // ASCII run fast path
        while (i < n && (c = text.charAt(i)) < 0x80) {
          out[o++] = (byte) c;
          i++;
        }
      } else if (c < 0x800) {
        out[o++] = (byte) (0xC0 | (c >>> 6));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i < n && Character.isLowSurrogate(text.charAt(i))) {
          int cp = Character.toCodePoint(c, text.charAt(i++));
          out[o++] = (byte) (0xF0 | (cp >>> 18));
          out[o++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
          out[o++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
          out[o++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          out[o++] = LONE_SURROGATE_BYTE;
        }
      } else {
        out[o++] = (byte) (0xE0 | (c >>> 12));
        out[o++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return o;
  }
}
