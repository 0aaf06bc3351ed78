package org.albertspark.vocab;

import java.util.Arrays;

/**
 * A trie over code points for common-prefix search of pieces: children live in one open-addressing
 * hash table keyed by (node, code point), so a million pieces cost a few arrays, not objects.
 */
final class CodePointTrie {
  private long[] keys; // (node << 21) | cp, or -1 for empty
  private int[] vals; // child node
  private int size;
  private int mask;
  private int[] pieceOfNode = new int[1024]; // piece id or -1
  private int nodes = 1; // node 0 = root

  CodePointTrie(int expectedNodes) {
    int cap = Integer.highestOneBit(Math.max(16, expectedNodes * 2 - 1)) << 1;
    keys = new long[cap];
    Arrays.fill(keys, -1L);
    vals = new int[cap];
    mask = cap - 1;
    Arrays.fill(pieceOfNode, -1);
  }

  void insert(int[] cps, int begin, int end, int pieceId) {
    int node = 0;
    for (int i = begin; i < end; i++) {
      int child = child(node, cps[i]);
      if (child < 0) {
        child = addChild(node, cps[i]);
      }
      node = child;
    }
    pieceOfNode[node] = pieceId;
  }

  int child(int node, int cp) {
    long key = ((long) node << 21) | cp;
    int h = hash(key) & mask;
    while (true) {
      long k = keys[h];
      if (k == key) {
        return vals[h];
      }
      if (k == -1L) {
        return -1;
      }
      h = (h + 1) & mask;
    }
  }

  int pieceAt(int node) {
    return pieceOfNode[node];
  }

  /**
   * Common-prefix search from {@code begin}: writes (length, piece id) of every piece that is a
   * prefix of {@code cps[begin, end)}, shortest first, and returns how many.
   */
  int prefixes(int[] cps, int begin, int end, int[] lens, int[] ids) {
    int node = 0;
    int n = 0;
    for (int i = begin; i < end; i++) {
      node = child(node, cps[i]);
      if (node < 0) {
        break;
      }
      int p = pieceOfNode[node];
      if (p >= 0) {
        lens[n] = i - begin + 1;
        ids[n] = p;
        n++;
      }
    }
    return n;
  }

  private int addChild(int node, int cp) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int child = nodes++;
    if (child >= pieceOfNode.length) {
      int old = pieceOfNode.length;
      pieceOfNode = Arrays.copyOf(pieceOfNode, old * 2);
      Arrays.fill(pieceOfNode, old, pieceOfNode.length, -1);
    }
    put(((long) node << 21) | cp, child);
    size++;
    return child;
  }

  private void put(long key, int val) {
    int h = hash(key) & mask;
    while (keys[h] != -1L) {
      h = (h + 1) & mask;
    }
    keys[h] = key;
    vals[h] = val;
  }

  private void grow() {
    long[] ok = keys;
    int[] ov = vals;
    keys = new long[ok.length * 2];
    Arrays.fill(keys, -1L);
    vals = new int[ok.length * 2];
    mask = keys.length - 1;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != -1L) {
        put(ok[i], ov[i]);
      }
    }
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29));
  }
}
