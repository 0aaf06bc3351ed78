package org.albertspark.jobs.score;

import java.util.Arrays;
import org.albertspark.tokenizer.AlbertTokenizer;

/**
 * The windows of one document, produced lazily: {@code [CLS] t[s .. s+L) [SEP]} for s = 0, step,
 * 2·step, … with L = maxSeqLength − 2 content tokens and step = L − stride, until a window reaches
 * the last token. A document of n > L tokens gives 1 + ⌈(n − L) / step⌉ windows.
 *
 * <p>Time is linear in the text and memory bounded by one window plus one chunk: the text is
 * tokenized in chunks of at most {@link #CHUNK_CHARS} characters cut at whitespace, which gives the
 * same tokens as the whole text (ALBERT splits on whitespace before SentencePiece, and no piece
 * spans it). Only a run of more than {@code CHUNK_CHARS} characters without whitespace is cut
 * inside a word.
 */
final class TokenWindows implements DocumentWindows {

  /** Characters tokenized at once. */
  static final int CHUNK_CHARS = 8192;

  private final AlbertTokenizer tokenizer;
  private final String text;
  private final int content;
  private final int step;
  private final int cls;
  private final int sep;

  private int textPos; // next character to tokenize
  private int[] buf = new int[64]; // tokens from the current window's start
  private int start; // first live token in buf
  private int end; // one past the last live token
  private int emitted;
  private boolean done;

  /**
   * @param maxSeqLength window length including [CLS] and [SEP]
   * @param stride tokens shared by consecutive windows, below maxSeqLength − 2
   */
  TokenWindows(AlbertTokenizer tokenizer, String text, int maxSeqLength, int stride) {
    this.tokenizer = tokenizer;
    this.text = text;
    this.content = maxSeqLength - 2;
    this.step = content - stride;
    if (step <= 0) {
      throw new IllegalArgumentException(
          "stride " + stride + " must be below max-seq-length − 2 = " + content);
    }
    this.cls = tokenizer.clsId();
    this.sep = tokenizer.sepId();
  }

  /** Number of windows a document of {@code tokens} content tokens gives. */
  static int count(long tokens, int maxSeqLength, int stride) {
    int content = maxSeqLength - 2;
    if (tokens == 0) {
      return 0;
    }
    if (tokens <= content) {
      return 1;
    }
    long step = content - stride;
    return (int) (1 + (tokens - content + step - 1) / step);
  }

  int emitted() {
    return emitted;
  }

  @Override
  public boolean hasNext() {
    if (done) {
      return false;
    }
    fill();
    boolean fresh = emitted == 0 ? end > start : end - start > content - step;
    if (!fresh) {
      done = true;
    }
    return fresh;
  }

  /** The next window's input ids, [CLS] and [SEP] included. */
  @Override
  public int[] next() {
    if (!hasNext()) {
      throw new java.util.NoSuchElementException();
    }
    int w = Math.min(content, end - start);
    int[] ids = new int[w + 2];
    ids[0] = cls;
    System.arraycopy(buf, start, ids, 1, w);
    ids[w + 1] = sep;
    emitted++;
    if (textPos >= text.length() && end - start <= content) {
      done = true;
    } else {
      start += Math.min(step, end - start);
    }
    return ids;
  }

  /** Tokenizes chunks until a whole window is buffered or the text is used up. */
  private void fill() {
    while (end - start < content && textPos < text.length()) {
      int cut = cutAfter(textPos);
      append(tokenizer.tokenizeToIds(text.substring(textPos, cut)));
      textPos = cut;
    }
  }

  /** Where the chunk starting at {@code from} ends: before whitespace, else at the size limit. */
  private int cutAfter(int from) {
    int limit = from + CHUNK_CHARS;
    if (limit >= text.length()) {
      return text.length();
    }
    for (int i = limit; i > from + CHUNK_CHARS / 2; i--) {
      if (DocumentText.isSpace(text.charAt(i))) {
        return i;
      }
    }
    return Character.isLowSurrogate(text.charAt(limit)) ? limit - 1 : limit;
  }

  private void append(int[] ids) {
    if (start > 0 && end + ids.length > buf.length) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end + ids.length > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + ids.length));
    }
    System.arraycopy(ids, 0, buf, end, ids.length);
    end += ids.length;
  }
}
