package org.albertspark.jobs.score;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/**
 * The text of one input row, judged before it is tokenized: either usable text or the reason it
 * cannot be scored. Reasons are stable strings (a short phrase, then ": " and detail where there is
 * any), so a store can group errors by the part before the colon.
 */
public record DocumentText(String text, String error) {

  public static final String NULL = "null text";
  public static final String EMPTY = "empty text";
  public static final String BLANK = "blank text";
  public static final String UNDECODABLE = "undecodable text";
  public static final String NO_TOKENS = "no tokens";
  public static final String TOKENIZER_FAILED = "tokenizer failed";

  /**
   * Prefix of a second text's problem: {@code "text pair: null text"} and so on (a store groups
   * them as "text pair").
   */
  public static final String PAIR = "text pair";

  /**
   * Judges a text column's value: a String, or bytes (decoded strictly as UTF-8). Readers replace
   * undecodable bytes with U+FFFD, so a replacement character or an unpaired surrogate marks text
   * that was not valid UTF-8 where it came from.
   */
  public static DocumentText of(Object value) {
    if (value == null) {
      return failed(NULL);
    }
    String s;
    if (value instanceof byte[] bytes) {
      try {
        s = strictUtf8().decode(ByteBuffer.wrap(bytes)).toString();
      } catch (MalformedInputException e) {
        return failed(UNDECODABLE + ": invalid UTF-8 in a byte column");
      } catch (CharacterCodingException e) {
        return failed(UNDECODABLE + ": " + e.getMessage());
      }
    } else if (value instanceof String str) {
      s = str;
    } else {
      return failed(UNDECODABLE + ": a " + value.getClass().getSimpleName() + ", not text");
    }
    if (s.isEmpty()) {
      return failed(EMPTY);
    }
    boolean blank = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\uFFFD') {
        return failed(UNDECODABLE + ": replacement character U+FFFD at char " + i);
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          blank = false;
          continue;
        }
        return failed(UNDECODABLE + ": unpaired surrogate at char " + i);
      }
      if (Character.isLowSurrogate(c)) {
        return failed(UNDECODABLE + ": unpaired surrogate at char " + i);
      }
      if (blank && !isSpace(c)) {
        blank = false;
      }
    }
    return blank ? failed(BLANK) : new DocumentText(s, null);
  }

  public static DocumentText failed(String reason) {
    return new DocumentText(null, reason);
  }

  public boolean ok() {
    return error == null;
  }

  /** The reason without its detail: what the summary groups errors by. */
  public static String reasonOf(String error) {
    int colon = error.indexOf(':');
    return colon < 0 ? error : error.substring(0, colon);
  }

  /** Whitespace as ALBERT's preprocessing splits on it (Python's str.isspace, BMP part). */
  static boolean isSpace(char c) {
    return Character.isWhitespace(c)
        || c == '\u0085'
        || c == '\u00A0'
        || c == '\u2007'
        || c == '\u202F'
        || (c >= '\u001C' && c <= '\u001F');
  }

  private static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }
}
