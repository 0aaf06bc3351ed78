package org.albertspark.tokenizer;

/**
 * SentencePiece's precompiled charsmap: {@code uint32 LE trie size}, a Darts-clone double-array
 * trie over UTF-8 byte keys (little-endian 32-bit units) and a blob of NUL-terminated replacement
 * strings the trie values point into. Lookups follow Darts-clone's commonPrefixSearch exactly
 * (including its behaviour on unusual bytes such as NUL), with bounds checks; the whole reachable
 * trie is validated when loaded, so a corrupt blob fails at load time, and bounded (no cycle, keys
 * and replacements of bounded length), so normalizing costs time and memory linear in the text.
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

  /**
   * Longest key the trie may hold. A lookup walks at most this many bytes, so normalizing costs
   * time linear in the text; SentencePiece's own rules need a few dozen.
   */
  static final int MAX_KEY_BYTES = 1024;

  /**
   * Longest replacement string: bounds how much one matched byte may grow the text (SentencePiece's
   * longest, U+FDFA, is 33 bytes).
   */
  static final int MAX_REPLACEMENT_BYTES = 1024;

  /**
   * Walks every reachable node once (depth first; Darts-clone shares common suffixes, so the trie
   * is a DAG): checks all indices and replacement strings, and that no walk leads back to a node on
   * its own path (a cycle would let a lookup run over the whole text from every position) or gets
   * longer than {@link #MAX_KEY_BYTES}.
   */
  private void validate() {
    int n = units.length;
    byte[] state = new byte[n]; // 0 unvisited, 1 on the current path, 2 finished
    int[] height = new int[n]; // finished node: the longest walk below it, in bytes
    int[] path = new int[MAX_KEY_BYTES + 1]; // path[d]: the node reached after d bytes
    int[] nextLabel = new int[MAX_KEY_BYTES + 1];
    int top = 0;
    state[0] = 1; // the root
    while (top >= 0) {
      int node = path[top];
      int c = nextLabel[top];
      if (c > 0xFF) {
        state[node] = 2;
        top--;
        if (top >= 0) {
          height[path[top]] = Math.max(height[path[top]], height[node] + 1);
        }
        continue;
      }
      nextLabel[top] = c + 1;
      int child = (node ^ offset(units[node])) ^ c;
      if (child < 0 || child >= n || label(units[child]) != c) {
        continue; // lookups treat this as a mismatch
      }
      if (state[child] == 1) {
        throw broken("the trie leads from node " + node + " back to node " + child + " (a cycle)");
      }
      if (state[child] == 2) {
        if (top + 1 + height[child] > MAX_KEY_BYTES) {
          throw broken("a key is longer than " + MAX_KEY_BYTES + " bytes");
        }
        height[node] = Math.max(height[node], height[child] + 1);
        continue;
      }
      if (top + 1 > MAX_KEY_BYTES) {
        throw broken("a key is longer than " + MAX_KEY_BYTES + " bytes");
      }
      int u = units[child];
      if (hasLeaf(u)) {
        int leaf = child ^ offset(u);
        if (leaf < 0 || leaf >= n) {
          throw broken("leaf index " + leaf + " out of range");
        }
        checkString(value(units[leaf]));
      }
      state[child] = 1;
      top++;
      path[top] = child;
      nextLabel[top] = 0;
    }
    int root = offset(units[0]);
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
    while (e < strings.length && strings[e] != 0 && e - v <= MAX_REPLACEMENT_BYTES) {
      e++;
    }
    if (e - v > MAX_REPLACEMENT_BYTES) {
      throw broken(
          "replacement string at " + v + " is longer than " + MAX_REPLACEMENT_BYTES + " bytes");
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
