package org.albertspark.prep.mask;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.albertspark.prep.FakeVocab;
import org.albertspark.prep.util.Rng;
import org.junit.jupiter.api.Test;

class MaskerTest {
  private static final VocabInfo VOCAB = FakeVocab.info();

  /** [CLS] A [SEP] B [SEP] with random words of 1-3 pieces. */
  static int[] randomInstance(Rng rng, int len) {
    int[] ids = new int[len];
    ids[0] = FakeVocab.CLS;
    int sep = 1 + rng.nextInt(len - 3) + 1;
    ids[sep] = FakeVocab.SEP;
    ids[len - 1] = FakeVocab.SEP;
    for (int i = 1; i < len - 1; i++) {
      if (i == sep) {
        continue;
      }
      boolean cont = i > 1 && ids[i - 1] != FakeVocab.SEP && rng.nextDouble() < 0.3;
      ids[i] = cont ? 5 + FakeVocab.W + rng.nextInt(FakeVocab.W) : 5 + rng.nextInt(FakeVocab.W);
    }
    return ids;
  }

  @Test
  void masksExactBudgetNeverSpecialWholeWords() {
    Masker m = new Masker(MaskingConfig.DEFAULT, VOCAB);
    Rng data = new Rng(1);
    long total = 0;
    long masked = 0;
    for (int t = 0; t < 3000; t++) {
      int len = 20 + data.nextInt(200);
      int[] ids = randomInstance(data, len);
      MaskedInstance r = m.mask(ids, new Rng(t));
      int expect = Math.min(20, Math.max(1, (int) Math.rint(len * 0.15)));
      assertTrue(r.positions().length <= expect);
      // budget reached except when a whole word would not fit at the very end
      assertTrue(
          r.positions().length >= expect - 2, "masked " + r.positions().length + " of " + expect);
      total += expect;
      masked += r.positions().length;
      for (int i = 1; i < r.positions().length; i++) {
        assertTrue(r.positions()[i] > r.positions()[i - 1], "sorted and unique");
      }
      boolean[] isMasked = new boolean[len];
      for (int k = 0; k < r.positions().length; k++) {
        int p = r.positions()[k];
        assertFalse(VOCAB.isSpecial(ids[p]), "special token masked at " + p);
        assertEquals(ids[p], r.labels()[k]);
        isMasked[p] = true;
      }
      // whole word: a masked continuation piece has its word start masked, and vice versa
      for (int p = 1; p < len; p++) {
        if (!VOCAB.isSpecial(ids[p])
            && !FakeVocab.isStart(ids[p])
            && !VOCAB.isSpecial(ids[p - 1])) {
          assertEquals(isMasked[p - 1], isMasked[p], "word split by masking at " + p);
        }
      }
      for (int p = 0; p < len; p++) {
        if (!isMasked[p]) {
          assertEquals(ids[p], r.inputIds()[p], "unmasked position changed");
        }
      }
    }
    assertTrue(masked > 0.97 * total, masked + " of " + total);
  }

  @Test
  void ngramLengthsFollowOneOverN() {
    assertNgramLengths(true, new double[] {1, 1.0 / 2, 1.0 / 3});
  }

  @Test
  void withoutFavoringShorterSpansTheWeightsAreReversed() {
    assertNgramLengths(false, new double[] {1.0 / 3, 1.0 / 2, 1});
  }

  /** Drawn span lengths 1..3 follow {@code weights} (normalized) within 5 sigma. */
  private static void assertNgramLengths(boolean favorShorter, double[] weights) {
    MaskingConfig cfg = new MaskingConfig(0.15, 1000, 3, true, favorShorter);
    Masker m = new Masker(cfg, VOCAB);
    Masker.Stats stats = new Masker.Stats(3);
    Rng data = new Rng(2);
    for (int t = 0; t < 3000; t++) {
      m.mask(randomInstance(data, 256), new Rng(1000 + t), stats);
    }
    long n = stats.drawnN[1] + stats.drawnN[2] + stats.drawnN[3];
    double h = weights[0] + weights[1] + weights[2];
    for (int k = 1; k <= 3; k++) {
      double p = weights[k - 1] / h;
      double sigma = Math.sqrt(p * (1 - p) / n);
      double got = stats.drawnN[k] / (double) n;
      assertEquals(p, got, 5 * sigma, "p(n=" + k + ") over " + n + " draws");
    }
  }

  @Test
  void eightyTenTen() {
    Masker m = new Masker(MaskingConfig.DEFAULT, VOCAB);
    Rng data = new Rng(3);
    long mask = 0, same = 0, other = 0;
    for (int t = 0; t < 3000; t++) {
      int[] ids = randomInstance(data, 128);
      MaskedInstance r = m.mask(ids, new Rng(5000 + t));
      for (int k = 0; k < r.positions().length; k++) {
        int v = r.inputIds()[r.positions()[k]];
        if (v == FakeVocab.MASK) {
          mask++;
        } else if (v == r.labels()[k]) {
          same++;
        } else {
          other++;
          assertTrue(VOCAB.isRandomCandidate(v), "random replacement must be an ordinary piece");
        }
      }
    }
    double n = mask + same + other;
    assertEquals(0.8, mask / n, 5 * Math.sqrt(0.16 / n));
    // a random draw equals the original with p = 1/1000: negligible
    assertEquals(0.1, same / n, 5 * Math.sqrt(0.09 / n) + 0.001);
    assertEquals(0.1, other / n, 5 * Math.sqrt(0.09 / n));
  }

  @Test
  void deterministicPerSeedAndDynamicDiffersPerEpoch() {
    DynamicMasker dm = new DynamicMasker(MaskingConfig.DEFAULT, VOCAB, 12345);
    int[] ids = randomInstance(new Rng(9), 200);
    MaskedInstance a = dm.mask(ids, 77L, 0);
    MaskedInstance b = dm.mask(ids, 77L, 0);
    MaskedInstance c = dm.mask(ids, 77L, 1);
    assertArrayEquals(a.inputIds(), b.inputIds());
    assertArrayEquals(a.positions(), b.positions());
    assertFalse(Arrays.equals(a.positions(), c.positions()), "another epoch, another mask");
  }

  @Test
  void zeroProbabilityMasksNothingAndTinyInputsWork() {
    Masker none = new Masker(new MaskingConfig(0, 20, 3, true, true), VOCAB);
    int[] ids = randomInstance(new Rng(4), 50);
    assertEquals(0, none.mask(ids, new Rng(1)).positions().length);
    Masker m = new Masker(MaskingConfig.DEFAULT, VOCAB);
    MaskedInstance r =
        m.mask(new int[] {FakeVocab.CLS, 7, FakeVocab.SEP, 8, FakeVocab.SEP}, new Rng(1));
    assertEquals(1, r.positions().length);
    MaskedInstance onlySpecial = m.mask(new int[] {FakeVocab.CLS, FakeVocab.SEP}, new Rng(1));
    assertEquals(0, onlySpecial.positions().length);
  }

  @Test
  void upstreamStartPieceRule() {
    assertTrue(VocabInfo.isStartPiece("\u2581the"));
    assertTrue(VocabInfo.isStartPiece("<unk>"));
    assertTrue(VocabInfo.isStartPiece(","));
    assertTrue(VocabInfo.isStartPiece("'s"));
    assertTrue(VocabInfo.isStartPiece("19"));
    assertFalse(VocabInfo.isStartPiece("ing"));
    assertFalse(VocabInfo.isStartPiece(".."));
  }
}
