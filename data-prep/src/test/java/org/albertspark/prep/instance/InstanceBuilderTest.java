package org.albertspark.prep.instance;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.albertspark.prep.FakeVocab;
import org.albertspark.prep.mask.VocabInfo;
import org.albertspark.prep.util.Rng;
import org.junit.jupiter.api.Test;

class InstanceBuilderTest {
  private static final VocabInfo VOCAB = FakeVocab.info();

  /** A document of distinct ids so order can be checked: sentence s holds ids from a counter. */
  static int[][] countingDoc(Rng rng, int sentences, int[] counter) {
    int[][] d = new int[sentences][];
    for (int s = 0; s < sentences; s++) {
      d[s] = new int[3 + rng.nextInt(25)];
      for (int k = 0; k < d[s].length; k++) {
        d[s][k] = 5 + (counter[0]++ % (2 * FakeVocab.W));
      }
    }
    return d;
  }

  @Test
  void structureLengthsAndSentenceOrder() {
    InstanceBuilder b = new InstanceBuilder(new InstanceConfig(128, 0.1, false), VOCAB);
    InstanceBuilder.Stats stats = new InstanceBuilder.Stats();
    Rng data = new Rng(1);
    long swapped = 0, total = 0;
    for (int d = 0; d < 2000; d++) {
      int[] counter = {0};
      int[][] doc = countingDoc(data, 2 + data.nextInt(30), counter);
      List<Instance> xs = b.build(doc, d, Rng.of(7, d), null, stats);
      assertFalse(xs.isEmpty());
      for (Instance x : xs) {
        int[] ids = x.ids();
        assertTrue(ids.length <= 128);
        assertEquals(FakeVocab.CLS, ids[0]);
        assertEquals(FakeVocab.SEP, ids[x.segmentALength() - 1]);
        assertEquals(FakeVocab.SEP, ids[ids.length - 1]);
        assertTrue(
            x.segmentALength() >= 3 && x.segmentALength() <= ids.length - 2, "A and B non-empty");
        int[] a = Arrays.copyOfRange(ids, 1, x.segmentALength() - 1);
        int[] bb = Arrays.copyOfRange(ids, x.segmentALength(), ids.length - 1);
        // ids are a counter mod 1000, so "B follows A" is visible as the next id (absent
        // truncation)
        int aLast = a[a.length - 1], bFirst = bb[0], bLast = bb[bb.length - 1], aFirst = a[0];
        boolean inOrder = next(aLast) == bFirst;
        boolean swappedOrder = next(bLast) == aFirst;
        if (ids.length < 128) { // never truncated
          assertEquals(x.sentenceOrderLabel() == 0, inOrder, "label matches order");
          assertEquals(x.sentenceOrderLabel() == 1, swappedOrder, "label matches order");
        }
        swapped += x.sentenceOrderLabel();
        total++;
      }
    }
    double p = swapped / (double) total;
    assertEquals(0.5, p, 5 * Math.sqrt(0.25 / total), "SOP label balance over " + total);
    assertEquals(total, stats.instances);
  }

  private static int next(int id) {
    return id == 5 + 2 * FakeVocab.W - 1 ? 5 : id + 1;
  }

  @Test
  void shortSeqProbGivesShortTargetsAndTruncationRespectsMax() {
    InstanceBuilder b = new InstanceBuilder(new InstanceConfig(64, 1.0, false), VOCAB);
    Rng data = new Rng(2);
    int shortOnes = 0, n = 0;
    for (int d = 0; d < 300; d++) {
      int[] counter = {0};
      for (Instance x : b.build(countingDoc(data, 40, counter), d, Rng.of(8, d), null, null)) {
        assertTrue(x.ids().length <= 64);
        if (x.ids().length < 40) {
          shortOnes++;
        }
        n++;
      }
    }
    assertTrue(shortOnes > n / 4, shortOnes + " of " + n);
  }

  @Test
  void singleLongSentenceIsCutAtAWordStart() {
    InstanceBuilder b = new InstanceBuilder(new InstanceConfig(32, 0, false), VOCAB);
    int[][] doc = {new int[100], {7, 8}};
    for (int k = 0; k < 100; k++) {
      doc[0][k] = (k % 3 == 0) ? 5 + k : 5 + FakeVocab.W + k;
    }
    InstanceBuilder.Stats stats = new InstanceBuilder.Stats();
    List<Instance> xs = b.build(doc, 1, new Rng(3), null, stats);
    assertEquals(2, xs.size());
    assertEquals(
        2, stats.singleSentenceChunksSplit, "the long sentence and the lone 2-token last sentence");
    assertTrue(stats.tokensTruncated > 0);
    for (Instance x : xs) assertTrue(x.ids().length <= 32);
  }

  @Test
  void oneTokenChunkIsDroppedAndCounted() {
    InstanceBuilder b = new InstanceBuilder(new InstanceConfig(16, 0, false), VOCAB);
    InstanceBuilder.Stats stats = new InstanceBuilder.Stats();
    // a 20-token sentence fills the chunk, then a lone 1-token last sentence remains
    int[] longS = new int[20];
    Arrays.fill(longS, 9);
    List<Instance> xs = b.build(new int[][] {longS, {7}}, 1, new Rng(3), null, stats);
    assertEquals(1, xs.size());
    assertEquals(1, stats.chunksDropped);
  }

  @Test
  void nspDrawsFromPoolNeverSelfWhenPossible() {
    InstanceBuilder b = new InstanceBuilder(new InstanceConfig(64, 0, true), VOCAB);
    List<NspPool.Doc> docs = new ArrayList<>();
    docs.add(new NspPool.Doc(42, new int[][] {{900, 901}, {902, 903}}));
    docs.add(new NspPool.Doc(43, new int[][] {{800, 801}, {802}}));
    NspPool pool = new NspPool(docs);
    Rng data = new Rng(5);
    int random = 0, n = 0;
    for (int d = 0; d < 500; d++) {
      int[] counter = {0};
      for (Instance x : b.build(countingDoc(data, 12, counter), 42, Rng.of(1, d), pool, null)) {
        n++;
        if (x.sentenceOrderLabel() == 1) {
          random++;
          int[] ids = x.ids();
          int first = ids[x.segmentALength()];
          assertTrue(first >= 800 && first < 900, "B from the other pool document");
        }
      }
    }
    assertEquals(0.5, random / (double) n, 0.1);
  }

  @Test
  void samePassSameOutput() {
    InstanceBuilder b = new InstanceBuilder(new InstanceConfig(128, 0.1, false), VOCAB);
    int[] c = {0};
    int[][] doc = countingDoc(new Rng(6), 50, c);
    List<Instance> x = b.build(doc, 1, Rng.of(1, 2, 3), null, null);
    List<Instance> y = b.build(doc, 1, Rng.of(1, 2, 3), null, null);
    assertEquals(x.size(), y.size());
    for (int i = 0; i < x.size(); i++) {
      assertArrayEquals(x.get(i).ids(), y.get(i).ids());
    }
  }
}
