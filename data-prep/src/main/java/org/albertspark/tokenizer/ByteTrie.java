package org.albertspark.tokenizer;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;

/**
 * An immutable double-array trie over byte strings (keys → non-negative int values), used for the
 * vocabulary and the user-defined symbols. Transition: {@code t = base[s] + byte + 1} is a child of
 * {@code s} iff {@code check[t] == s}. Built iteratively (no recursion), so long keys are fine.
 */
final class ByteTrie {
  private final int[] base;
  private final int[] check;
  private final int[] value;

  private ByteTrie(int[] base, int[] check, int[] value) {
    this.base = base;
    this.check = check;
    this.value = value;
  }

  static final int ROOT = 0;

  /** Child of {@code node} for byte {@code b}, or -1. */
  int child(int node, int b) {
    int t = base[node] + (b & 0xFF) + 1;
    return t < check.length && check[t] == node ? t : -1;
  }

  /** Value stored at {@code node}, or -1. */
  int value(int node) {
    return value[node];
  }

  /** Exact lookup, or -1. */
  int get(byte[] key) {
    int s = ROOT;
    for (byte b : key) {
      s = child(s, b);
      if (s < 0) {
        return -1;
      }
    }
    return value[s];
  }

  /** Exact lookup of {@code s[off, off + len)}, or -1. */
  int get(byte[] s, int off, int len) {
    int node = ROOT;
    for (int i = off; i < off + len; i++) {
      node = child(node, s[i]);
      if (node < 0) {
        return -1;
      }
    }
    return value[node];
  }

  /** Length of the longest key that is a prefix of {@code s[pos, end)}, or 0. */
  int longestPrefix(byte[] s, int pos, int end) {
    int node = ROOT;
    int best = 0;
    for (int i = pos; i < end; i++) {
      node = child(node, s[i]);
      if (node < 0) {
        break;
      }
      if (value[node] >= 0) {
        best = i + 1 - pos;
      }
    }
    return best;
  }

  /**
   * Builds from keys and values; for duplicate keys the first occurrence wins. Empty keys are
   * ignored.
   */
  static ByteTrie build(byte[][] keys, int[] values) {
    Integer[] order = new Integer[keys.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Comparator<Integer> cmp =
        (a, b) -> {
          int c = Arrays.compareUnsigned(keys[a], keys[b]);
          return c != 0 ? c : Integer.compare(a, b);
        };
    Arrays.sort(order, cmp);
    Builder b = new Builder(Math.max(16, keys.length * 4));
    // Work items: node, lo, hi (range in order[]), depth.
    ArrayDeque<int[]> work = new ArrayDeque<>();
    work.push(new int[] {ROOT, 0, order.length, 0});
    b.occupy(ROOT, -2);
    int[] labels = new int[256];
    int[] groupStart = new int[257];
    while (!work.isEmpty()) {
      int[] w = work.pop();
      int node = w[0], lo = w[1], hi = w[2], depth = w[3];
      // keys that end here
      while (lo < hi && keys[order[lo]].length == depth) {
        if (depth > 0 && b.value[node] < 0) {
          b.value[node] = values[order[lo]];
        }
        lo++;
      }
      if (lo >= hi) {
        continue;
      }
      int n = 0;
      for (int i = lo; i < hi; i++) {
        int c = keys[order[i]][depth] & 0xFF;
        if (n == 0 || labels[n - 1] != c) {
          labels[n] = c;
          groupStart[n] = i;
          n++;
        }
      }
      groupStart[n] = hi;
      int bs = b.findBase(labels, n);
      b.base[node] = bs;
      for (int k = 0; k < n; k++) {
        int t = bs + labels[k] + 1;
        b.occupy(t, node);
      }
      for (int k = n - 1; k >= 0; k--) {
        work.push(new int[] {bs + labels[k] + 1, groupStart[k], groupStart[k + 1], depth + 1});
      }
    }
    int size = b.used + 1;
    int[] check = Arrays.copyOf(b.check, size);
    check[ROOT] = -1;
    return new ByteTrie(Arrays.copyOf(b.base, size), check, Arrays.copyOf(b.value, size));
  }

  private static final class Builder {
    int[] base;
    int[] check;
    int[] value;
    int used = 0;

    /** Free slots (check == -1) among the allocated ones. */
    final java.util.BitSet free = new java.util.BitSet();

    Builder(int cap) {
      base = new int[cap];
      check = new int[cap];
      value = new int[cap];
      Arrays.fill(check, -1);
      Arrays.fill(value, -1);
      free.set(1, cap);
    }

    void ensure(int idx) {
      if (idx < check.length) {
        return;
      }
      int cap = Math.max(idx + 1, check.length * 2);
      int old = check.length;
      base = Arrays.copyOf(base, cap);
      check = Arrays.copyOf(check, cap);
      value = Arrays.copyOf(value, cap);
      Arrays.fill(check, old, cap, -1);
      Arrays.fill(value, old, cap, -1);
      free.set(old, cap);
    }

    int findBase(int[] labels, int n) {
      // Try the free slots, in increasing order, as the position of the first label.
      int t0 = labels[0] + 1;
      outer:
      while (true) {
        ensure(t0 + 257);
        t0 = free.nextSetBit(t0); // exists: every slot past the used ones is free
        int bs = t0 - labels[0] - 1;
        ensure(bs + 257);
        for (int k = 1; k < n; k++) {
          if (check[bs + labels[k] + 1] != -1) {
            t0++;
            continue outer;
          }
        }
        used = Math.max(used, bs + labels[n - 1] + 1);
        return bs;
      }
    }

    void occupy(int t, int parent) {
      check[t] = parent;
      free.clear(t);
    }
  }
}
