package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The double-array trie against a HashMap, for tiny and larger random key sets (incl. high bytes,
 * NUL).
 */
class ByteTrieTest {

  @Test
  void agreesWithHashMap() {
    Random r = new Random(3);
    for (int round = 0; round < 120; round++) {
      int n = round < 100 ? 1 + r.nextInt(4) : 1 + r.nextInt(3000);
      List<byte[]> keys = new ArrayList<>();
      Map<String, Integer> ref = new HashMap<>();
      for (int i = 0; i < n; i++) {
        byte[] k = new byte[1 + r.nextInt(6)];
        for (int j = 0; j < k.length; j++) {
          k[j] = (byte) (round % 2 == 0 ? r.nextInt(256) : 'a' + r.nextInt(4));
        }
        keys.add(k);
        ref.putIfAbsent(hex(k), i);
      }
      int[] vals = new int[n];
      for (int i = 0; i < n; i++) {
        vals[i] = i;
      }
      ByteTrie t = ByteTrie.build(keys.toArray(new byte[0][]), vals);
      for (int q = 0; q < 500; q++) {
        byte[] k = q < n ? keys.get(q) : new byte[1 + r.nextInt(6)];
        if (q >= n) {
          for (int j = 0; j < k.length; j++) {
            k[j] = (byte) (round % 2 == 0 ? r.nextInt(256) : 'a' + r.nextInt(4));
          }
        }
        assertEquals(
            ref.getOrDefault(hex(k), -1).intValue(), t.get(k), "round " + round + " key " + hex(k));
        int longest = 0;
        for (int l = 1; l <= k.length; l++) {
          if (ref.containsKey(hex(java.util.Arrays.copyOf(k, l)))) {
            longest = l;
          }
        }
        assertEquals(longest, t.longestPrefix(k, 0, k.length));
      }
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(2 * b.length);
    for (byte x : b)
      sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
    return sb.toString();
  }
}
