package org.albertspark.tokenizer;

import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * SentencePiece's precompiled charsmap: {@code uint32 LE trie size}, a Darts-clone double-array
 * trie over UTF-8 byte keys (little-endian 32-bit units) and a blob of NUL-terminated replacement
 * strings the trie values point into. Lookups follow Darts-clone's commonPrefixSearch exactly
 * (including its behaviour on unusual bytes such as NUL), with bounds checks; the whole reachable
 * trie is validated when loaded, so a corrupt blob fails at load time.
 */
final class PrecompiledCharsMap {
  private final int[] units;
  private final byte[] strings;

  /** For each first byte: may a key start with it? (false → the byte never matches). */
  private final boolean[] firstByteMayMatch = new boolean[256];

  private PrecompiledCharsMap(int[] units, byte[] strings) {
    this.units = units;
    this.strings = strings;
  }

  static PrecompiledCharsMap decode(byte[] blob) {
    if (blob.length <= 4) {
      throw new IllegalArgumentException(
          "precompiled_charsmap is broken: only " + blob.length + " bytes");
    }
    long trieSize =
        (blob[0] & 0xFFL)
            | (blob[1] & 0xFFL) << 8
            | (blob[2] & 0xFFL) << 16
            | (blob[3] & 0xFFL) << 24;
    if (trieSize >= blob.length - 4L + 1 || trieSize >= blob.length) {
      throw new IllegalArgumentException(
          "precompiled_charsmap is broken: trie size "
              + trieSize
              + " exceeds the blob size "
              + blob.length);
    }
    if (trieSize % 4 != 0 || trieSize == 0) {
      throw new IllegalArgumentException(
          "precompiled_charsmap is broken: trie size "
              + trieSize
              + " is not a positive multiple of 4");
    }
    int[] units = new int[(int) (trieSize / 4)];
    for (int i = 0; i < units.length; i++) {
      int o = 4 + 4 * i;
      units[i] =
          (blob[o] & 0xFF)
              | (blob[o + 1] & 0xFF) << 8
              | (blob[o + 2] & 0xFF) << 16
              | (blob[o + 3] & 0xFF) << 24;
    }
    byte[] strings = java.util.Arrays.copyOfRange(blob, 4 + (int) trieSize, blob.length);
    PrecompiledCharsMap m = new PrecompiledCharsMap(units, strings);
    m.validate();
    return m;
  }

  private static boolean hasLeaf(int u) {
    return ((u >>> 8) & 1) == 1;
  }

  private static int value(int u) {
    return u & 0x7FFFFFFF;
  }

  private static int label(int u) {
    return u & (0x80000000 | 0xFF);
  }

  private static int offset(int u) {
    return (u >>> 10) << ((u & (1 << 9)) >>> 6);
  }

  /** Walks every reachable node once; checks all indices and replacement strings. */
  private void validate() {
    BitSet seen = new BitSet(units.length);
    ArrayDeque<Integer> stack = new ArrayDeque<>();
    int root = offset(units[0]); // node_pos after leaving the root
    stack.push(root);
    seen.set(0);
    while (!stack.isEmpty()) {
      int base = stack.pop();
      for (int c = 0; c < 256; c++) {
        int child = base ^ c;
        if (child < 0 || child >= units.length) {
          continue; // lookups treat this as a mismatch
        }
        int u = units[child];
        if (label(u) != c) {
          continue;
        }
        int next = child ^ offset(u);
        if (hasLeaf(u)) {
          if (next < 0 || next >= units.length) {
            throw broken("leaf index " + next + " out of range");
          }
          int v = value(units[next]);
          checkString(v);
        }
        if (!seen.get(child)) {
          seen.set(child);
          stack.push(next);
        }
      }
    }
    for (int c = 0; c < 256; c++) {
      int child = root ^ c;
      firstByteMayMatch[c] = child >= 0 && child < units.length && label(units[child]) == c;
    }
  }

  private void checkString(int v) {
    if (v < 0 || v >= strings.length) {
      throw broken("replacement offset " + v + " out of range");
    }
    int e = v;
    while (e < strings.length && strings[e] != 0) {
      e++;
    }
    if (e == strings.length) {
      throw broken("replacement string at " + v + " is not NUL-terminated");
    }
  }

  private static IllegalArgumentException broken(String what) {
    return new IllegalArgumentException("precompiled_charsmap is broken: " + what);
  }

  boolean mayMatch(int firstByte) {
    return firstByteMayMatch[firstByte & 0xFF];
  }

  /**
   * The longest key that is a prefix of {@code s[pos, end)}: returns {@code (value << 32) |
   * length}, or 0 when there is none.
   */
  long longestMatch(byte[] s, int pos, int end) {
    final int[] u = units;
    int nodePos = offset(u[0]);
    long best = 0;
    for (int i = pos; i < end; i++) {
      int c = s[i] & 0xFF;
      nodePos ^= c;
      if (nodePos < 0 || nodePos >= u.length) {
        return best;
      }
      int unit = u[nodePos];
      if (label(unit) != c) {
        return best;
      }
      nodePos ^= offset(unit);
      if (hasLeaf(unit)) {
        if (nodePos < 0 || nodePos >= u.length) {
          throw broken("leaf index out of range");
        }
        best = ((long) value(u[nodePos]) << 32) | (i + 1 - pos);
      }
    }
    return best;
  }

  /** Replacement bytes are {@code strings()[value, stringEnd(value))}. */
  byte[] strings() {
    return strings;
  }

  int stringEnd(int value) {
    int e = value;
    while (strings[e] != 0) {
      e++;
    }
    return e;
  }
}
