package org.albertspark.prep.corpus;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads '\n'-terminated lines as bytes with their start offsets, never holding more than {@code
 * maxLineBytes} of one line: a longer line is consumed and reported as too long with its length. A
 * trailing '\r' is removed.
 */
final class LineScanner {
  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[1 << 16];
  private int bufPos;
  private int bufLen;
  private long pos; // offset of the next unread byte

  byte[] line = new byte[256];
  int length;
  long lineStart;
  long fullLength; // bytes of the line without terminator, even when too long
  boolean tooLong;
  boolean hasNul;

  LineScanner(InputStream in, long startOffset, long maxLineBytes) {
    this.in = in;
    this.pos = startOffset;
    this.maxLineBytes = (int) Math.min(Integer.MAX_VALUE - 16, maxLineBytes);
  }

  long position() {
    return pos;
  }

  private boolean fill() throws IOException {
    if (bufPos < bufLen) {
      return true;
    }
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    bufPos = 0;
    bufLen = n;
    return true;
  }

  /** Skips up to and including the next '\n'. */
  void skipLine() throws IOException {
    while (fill()) {
      while (bufPos < bufLen) {
        byte b = buf[bufPos++];
        pos++;
        if (b == '\n') {
          return;
        }
      }
    }
  }

  /** Reads the next line; false at end of input. */
  boolean next() throws IOException {
    lineStart = pos;
    length = 0;
    fullLength = 0;
    tooLong = false;
    hasNul = false;
    boolean any = false;
    while (fill()) {
      any = true;
      int start = bufPos;
      int i = start;
      while (i < bufLen && buf[i] != '\n') {
        i++;
      }
      int chunk = i - start;
      append(start, chunk);
      boolean found = i < bufLen;
      bufPos = found ? i + 1 : i;
      pos += chunk + (found ? 1 : 0);
      if (found) {
        break;
      }
    }
    if (!any) {
      return false;
    }
    if (!tooLong && length > 0 && line[length - 1] == '\r') {
      length--;
      fullLength--;
    }
    return true;
  }

  private void append(int start, int n) {
    fullLength += n;
    if (!hasNul) {
      for (int k = start; k < start + n; k++) {
        if (buf[k] == 0) {
          hasNul = true;
          break;
        }
      }
    }
    if (tooLong) {
      return;
    }
    if (fullLength > maxLineBytes) {
      tooLong = true;
      length = 0;
      return;
    }
    if (length + n > line.length) {
      byte[] l =
          new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(2L * line.length, length + n))];
      System.arraycopy(line, 0, l, 0, length);
      line = l;
    }
    System.arraycopy(buf, start, line, length, n);
    length += n;
  }

  /** Whether the current line is empty or only ASCII whitespace. */
  boolean isBlank() {
    if (tooLong) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != 0x0B && b != 0x0C) {
        return false;
      }
    }
    return true;
  }
}
