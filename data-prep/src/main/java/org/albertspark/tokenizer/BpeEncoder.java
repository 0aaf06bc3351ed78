package org.albertspark.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * BPE encoding as SentencePiece's {@code bpe_model.cc} does it (without dropout): split the
 * normalized text into characters (user-defined symbols kept whole and frozen), repeatedly merge
 * the adjacent pair whose concatenation is the highest-scoring piece (ties: leftmost), then
 * re-split pieces of type UNUSED into the pair they were merged from.
 */
final class BpeEncoder {
  private final SentencePieceModel model;
  private final ByteTrie trie;
  private final float[] scores;
  private final boolean[] unused;
  private final ByteTrie userSymbols;

  BpeEncoder(SentencePieceModel model) {
    this.model = model;
    this.trie = model.trie();
    this.scores = model.scores();
    this.unused = model.unusedFlags();
    boolean[] ud = model.userDefinedFlags();
    java.util.List<byte[]> keys = new java.util.ArrayList<>();
    for (int i = 0; i < ud.length; i++) {
      if (ud[i]) {
        keys.add(model.idToPiece(i).getBytes(StandardCharsets.UTF_8));
      }
    }
    this.userSymbols =
        keys.isEmpty() ? null : ByteTrie.build(keys.toArray(new byte[0][]), new int[keys.size()]);
  }

  private record Pair(int left, int right, float score, int size) {}

  void encode(byte[] norm, int m, SentencePieceModel.Scratch s) {
    int cap = m + 1;
    int[] start = new int[cap];
    int[] len = new int[cap];
    int[] prev = new int[cap];
    int[] next = new int[cap];
    boolean[] freeze = new boolean[cap];
    int n = 0;
    int pos = 0;
    while (pos < m) {
      int l = 0;
      if (userSymbols != null) {
        l = userSymbols.longestPrefix(norm, pos, m);
      }
      boolean fr = l > 0;
      if (!fr) {
        l = Math.min(Utf8.oneCharLen(norm[pos]), m - pos);
      }
      start[n] = pos;
      len[n] = l;
      freeze[n] = fr;
      prev[n] = n == 0 ? -1 : n - 1;
      pos += l;
      next[n] = pos >= m ? -1 : n + 1;
      n++;
    }
    PriorityQueue<Pair> agenda =
        new PriorityQueue<>(
            (a, b) ->
                a.score != b.score
                    ? Float.compare(b.score, a.score)
                    : Integer.compare(a.left, b.left));
    Map<String, int[]> revMerge = new HashMap<>(); // unused piece → [start, len1, len2] in norm
    for (int i = 1; i < n; i++) {
      maybeAdd(i - 1, i, norm, start, len, freeze, agenda, revMerge);
    }
    while (!agenda.isEmpty()) {
      Pair top = agenda.poll();
      int l = top.left, r = top.right;
      if (len[l] == 0 || len[r] == 0 || len[l] + len[r] != top.size) {
        continue;
      }
      len[l] += len[r];
      next[l] = next[r];
      if (next[r] >= 0) {
        prev[next[r]] = l;
      }
      len[r] = 0;
      maybeAdd(prev[l], l, norm, start, len, freeze, agenda, revMerge);
      maybeAdd(l, next[l], norm, start, len, freeze, agenda, revMerge);
    }
    s.count = 0;
    ArrayDeque<int[]> stack = new ArrayDeque<>();
    for (int i = 0; i != -1 && n > 0; i = next[i]) {
      stack.push(new int[] {start[i], len[i]});
      while (!stack.isEmpty()) {
        int[] w = stack.pop();
        int id = idOf(norm, w[0], w[1]);
        if (unused[id]) {
          int[] split = revMerge.get(new String(norm, w[0], w[1], StandardCharsets.ISO_8859_1));
          if (split != null) {
            stack.push(new int[] {w[0] + split[0], split[1]});
            stack.push(new int[] {w[0], split[0]});
            continue;
          }
        }
        s.add(w[0], w[0] + w[1], id);
      }
    }
  }

  private int idOf(byte[] norm, int off, int len) {
    int id = trie.get(norm, off, len);
    if (id >= 0) {
      return id;
    }
    return model.pieceToId(new String(norm, off, len, StandardCharsets.UTF_8));
  }

  private void maybeAdd(
      int left,
      int right,
      byte[] norm,
      int[] start,
      int[] len,
      boolean[] freeze,
      PriorityQueue<Pair> agenda,
      Map<String, int[]> revMerge) {
    if (left == -1 || right == -1 || freeze[left] || freeze[right]) {
      return;
    }
    int size = len[left] + len[right];
    int id = trie.get(norm, start[left], size);
    if (id < 0) {
      return;
    }
    agenda.add(new Pair(left, right, scores[id], size));
    if (unused[id]) {
      revMerge.put(
          new String(norm, start[left], size, StandardCharsets.ISO_8859_1),
          new int[] {len[left], len[right]});
    }
  }
}
