package org.albertspark.prep;

import java.util.Locale;
import org.albertspark.prep.mask.VocabInfo;

/**
 * A tiny fake vocabulary for tests: 0 pad, 1 unk, 2 [CLS], 3 [SEP], 4 [MASK], then W word-start
 * pieces, then W continuation pieces. A word maps to one start piece plus one continuation piece
 * per 4 characters beyond the first 4.
 */
public final class FakeVocab {
  public static final int PAD = 0, UNK = 1, CLS = 2, SEP = 3, MASK = 4;
  public static final int W = 500;
  public static final int SIZE = 5 + 2 * W;

  private FakeVocab() {}

  public static VocabInfo info() {
    boolean[] start = new boolean[SIZE];
    boolean[] special = new boolean[SIZE];
    for (int i = 0; i < 5; i++) {
      special[i] = i != UNK;
    }
    start[UNK] = true;
    for (int i = 5; i < 5 + W; i++) {
      start[i] = true;
    }
    int[] cand = new int[2 * W];
    for (int i = 0; i < cand.length; i++) {
      cand[i] = 5 + i;
    }
    return new VocabInfo(CLS, SEP, MASK, PAD, start, special, cand);
  }

  public static boolean isStart(int id) {
    return id < 5 + W;
  }

  public static int[] encode(String text) {
    String[] words = text.toLowerCase(Locale.ROOT).trim().split("\\s+");
    int n = 0;
    int[] buf = new int[text.length() + 1];
    for (String w : words) {
      if (w.isEmpty()) {
        continue;
      }
      buf[n++] = 5 + Math.floorMod(w.hashCode(), W);
      for (int k = 4; k < w.length(); k += 4) {
        buf[n++] = 5 + W + Math.floorMod((w + k).hashCode(), W);
      }
    }
    return java.util.Arrays.copyOf(buf, n);
  }
}
