package org.albertspark.jobs.score;

import java.util.Arrays;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.EncodedInput;

/**
 * The windows of a text pair (a, b) for a model fine-tuned on pairs: {@code [CLS] a' [SEP] b[s ..
 * s+Lb) [SEP]}, token types 0 through the first [SEP] and 1 after it.
 *
 * <p>The first window IS fine-tuning's encoding of the pair (longest-first truncation to
 * maxSeqLength), which fixes a' (a prefix of a) and Lb. When b was cut, windows go on over b with
 * step Lb − stride', stride' = min(stride, ⌊Lb / 2⌋) (a pair leaves b less room than a single text
 * has, so the overlap is capped at half of it), until a window reaches b's last token: the way
 * question answering windows a long context behind its question. Only a's tail beyond a' is never
 * seen ({@link #firstTextCut()}); a long a next to a short b is cut as fine-tuning cuts it.
 */
final class PairWindows implements DocumentWindows {

  private final int[] head; // [CLS] a' [SEP]
  private final int[] second; // b, whole
  private final int content; // Lb
  private final int step;
  private final int sep;
  private final boolean firstTextCut;
  private int start; // b's first token in the next window
  private boolean done;

  /** {@code a} and {@code b} are tokenized texts, neither empty. */
  PairWindows(AlbertTokenizer tokenizer, int[] a, int[] b, int maxSeqLength, int stride) {
    EncodedInput first = tokenizer.encodeIds(a, b, maxSeqLength, false);
    int[] types = first.tokenTypeIds();
    int headLength = 0;
    while (types[headLength] == 0) {
      headLength++;
    }
    this.head = Arrays.copyOf(first.inputIds(), headLength);
    this.second = b;
    this.content = types.length - headLength - 1;
    if (content == 0) {
      throw new IllegalArgumentException(
          "max-seq-length " + maxSeqLength + " leaves no room for the second text of a pair");
    }
    this.step = content - Math.min(stride, content / 2);
    this.sep = tokenizer.sepId();
    this.firstTextCut = headLength - 2 < a.length;
  }

  /** Whether part of the first text appears in no window. */
  boolean firstTextCut() {
    return firstTextCut;
  }

  @Override
  public boolean hasNext() {
    return !done;
  }

  @Override
  public int[] next() {
    if (done) {
      throw new java.util.NoSuchElementException();
    }
    int end = Math.min(start + content, second.length);
    int[] ids = Arrays.copyOf(head, head.length + end - start + 1);
    System.arraycopy(second, start, ids, head.length, end - start);
    ids[ids.length - 1] = sep;
    if (end == second.length) {
      done = true;
    } else {
      start += step;
    }
    return ids;
  }

  @Override
  public int[] tokenTypes(int[] window) {
    int[] types = new int[window.length];
    Arrays.fill(types, head.length, window.length, 1);
    return types;
  }
}
