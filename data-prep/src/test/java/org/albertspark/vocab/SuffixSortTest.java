package org.albertspark.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SuffixSortTest {

  /** Words of 1..40 code points from a small alphabet, each followed by the 0 separator. */
  private static int[] text(int words, long seed) {
    Random r = new Random(seed);
    int[] t = new int[words * 41];
    int p = 0;
    for (int w = 0; w < words; w++) {
      int n = 1 + r.nextInt(40);
      for (int k = 0; k < n; k++) {
        // a skewed alphabet: long shared prefixes, many equal suffixes
        t[p++] = r.nextInt(4) == 0 ? 'a' : 'a' + 1 + r.nextInt(6);
      }
      t[p++] = 0;
    }
    return Arrays.copyOf(t, p);
  }

  private static int[] positions(int[] text) {
    return java.util.stream.IntStream.range(0, text.length).filter(i -> text[i] != 0).toArray();
  }

  @Test
  void sortsLikeAComparatorSort() {
    int[] text = text(2000, 1);
    int depth = 17;
    int[] sa = positions(text);
    SuffixSort.sort(text, sa, depth);
    Integer[] ref = Arrays.stream(positions(text)).boxed().toArray(Integer[]::new);
    Arrays.sort(ref, (x, y) -> SuffixSort.compare(text, x, y, 0, depth));
    int[] sorted = sa.clone();
    Arrays.sort(sorted);
    assertArrayEquals(positions(text), sorted, "a permutation of the positions");
    for (int k = 0; k < sa.length; k++) {
      assertTrue(SuffixSort.compare(text, sa[k], ref[k], 0, depth) == 0, "rank " + k);
    }
  }

  /** The recursive version needed a 512 MB stack; this one runs on a 128 KB one. */
  @Test
  void runsOnASmallStackOnALargeInput() throws Exception {
    int[] text = text(30_000, 2); // about 600,000 suffixes
    int depth = 17;
    int[] sa = positions(text);
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                SuffixSort.sort(text, sa, depth);
              } catch (Throwable e) {
                failure[0] = e;
              }
            },
            "small-stack",
            128 << 10);
    t.start();
    t.join();
    if (failure[0] != null) {
      throw new AssertionError("suffix sort failed on a 128 KB stack", failure[0]);
    }
    for (int k = 1; k < sa.length; k++) {
      assertTrue(SuffixSort.compare(text, sa[k - 1], sa[k], 0, depth) <= 0, "order at rank " + k);
    }
  }
}
