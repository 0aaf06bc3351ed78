package org.albertspark.prep.mask;

import java.io.Serializable;
import java.util.Arrays;
import org.albertspark.prep.util.Rng;

/**
 * ALBERT's masked-LM selection ({@code create_masked_lm_predictions}) on id arrays: whole-word
 * n-gram spans with p(n) proportional to 1/n, at most {@code max_predictions_per_seq} and {@code
 * round(len * masked_lm_prob)} (at least 1) positions, 80% [MASK] / 10% random / 10% unchanged,
 * never a special token.
 *
 * <p>Differences from upstream, all deliberate: every draw (including the n-gram length, which
 * upstream takes from NumPy's unseeded global RNG) comes from the given seeded {@link Rng}; a
 * candidate whose first word is already covered is really skipped (upstream's "skip" is a no-op
 * {@code continue} of an inner loop); an n-gram never extends past the end of the word list or
 * across a special token (upstream repeats the shorter slice, biasing lengths, and joins a
 * continuation piece after [SEP] to the word before it); the random replacement is drawn from
 * ordinary pieces only (upstream may draw [CLS], padding, control pieces).
 */
public final class Masker implements Serializable {
  private static final long serialVersionUID = 1L;

  private final MaskingConfig config;
  private final VocabInfo vocab;
  private final double[] cumulative; // cumulative[n-1] = sum_{k<=n} 1/k (or reversed)

  /** Optional counters for tests and diagnostics. */
  public static final class Stats {
    /** drawnN[n] = times n was drawn when all lengths 1..ngram were allowed. */
    public final long[] drawnN;

    public long replacedByMask;
    public long replacedByRandom;
    public long keptOriginal;

    public Stats(int ngram) {
      drawnN = new long[ngram + 1];
    }
  }

  public Masker(MaskingConfig config, VocabInfo vocab) {
    this.config = config;
    this.vocab = vocab;
    this.cumulative = new double[config.ngram()];
    double s = 0;
    for (int n = 1; n <= config.ngram(); n++) {
      int k = config.favorShorterNgram() ? n : config.ngram() + 1 - n;
      s += 1.0 / k;
      cumulative[n - 1] = s;
    }
  }

  public MaskingConfig config() {
    return config;
  }

  public VocabInfo vocab() {
    return vocab;
  }

  /** How many positions a sequence of this length gets (before running out of candidates). */
  public int numToPredict(int length) {
    if (config.maskedLmProb() == 0) {
      return 0;
    }
    long target =
        Math.max(1, (long) Math.rint(length * config.maskedLmProb())); // round half even, as Python
    return (int) Math.min(config.maxPredictionsPerSeq(), target);
  }

  public MaskedInstance mask(int[] ids, Rng rng) {
    return mask(ids, rng, null);
  }

  public MaskedInstance mask(int[] ids, Rng rng, Stats stats) {
    int len = ids.length;
    int[] out = ids.clone();
    int numToPredict = numToPredict(len);
    if (numToPredict == 0) {
      return new MaskedInstance(out, new int[0], new int[0]);
    }

    // Words: runs of positions; a run is broken by a special token (never a candidate) and, with
    // whole-word masking, a word-start piece begins a new run.
    int[] wordBegin = new int[len];
    int[] wordEnd = new int[len];
    int[] wordRegion = new int[len]; // index of the special-delimited region
    int words = 0;
    int region = 0;
    boolean prevSpecial = true;
    for (int i = 0; i < len; i++) {
      int id = ids[i];
      if (vocab.isSpecial(id)) {
        if (!prevSpecial) {
          region++;
        }
        prevSpecial = true;
        continue;
      }
      boolean starts = prevSpecial || !config.wholeWord() || vocab.isWordStart(id);
      if (starts) {
        wordBegin[words] = i;
        wordEnd[words] = i + 1;
        wordRegion[words] = region;
        words++;
      } else {
        wordEnd[words - 1] = i + 1;
      }
      prevSpecial = false;
    }
    if (words == 0) {
      return new MaskedInstance(out, new int[0], new int[0]);
    }

    int[] order = new int[words];
    for (int w = 0; w < words; w++) {
      order[w] = w;
    }
    rng.shuffle(order);

    boolean[] covered = new boolean[len];
    int[] positions = new int[numToPredict];
    int count = 0;
    for (int w : order) {
      if (count >= numToPredict) {
        break;
      }
      if (covered[wordBegin[w]]) {
        continue; // really skip an already covered start
      }
      int maxN = 1;
      while (maxN < config.ngram() && w + maxN < words && wordRegion[w + maxN] == wordRegion[w]) {
        maxN++;
      }
      int n = drawN(maxN, rng);
      if (stats != null && maxN == config.ngram()) {
        stats.drawnN[n]++;
      }
      while (n > 1 && count + span(wordBegin, wordEnd, w, n) > numToPredict) {
        n--;
      }
      int spanLen = span(wordBegin, wordEnd, w, n);
      if (count + spanLen > numToPredict) {
        continue;
      }
      boolean anyCovered = false;
      for (int k = w; k < w + n && !anyCovered; k++) {
        for (int p = wordBegin[k]; p < wordEnd[k]; p++) {
          if (covered[p]) {
            anyCovered = true;
            break;
          }
        }
      }
      if (anyCovered) {
        continue;
      }
      for (int k = w; k < w + n; k++) {
        for (int p = wordBegin[k]; p < wordEnd[k]; p++) {
          covered[p] = true;
          positions[count++] = p;
          if (rng.nextDouble() < 0.8) {
            out[p] = vocab.maskId();
            if (stats != null) {
              stats.replacedByMask++;
            }
          } else if (rng.nextDouble() < 0.5) {
            if (stats != null) {
              stats.keptOriginal++;
            }
          } else {
            out[p] = vocab.randomCandidate(rng.nextInt(vocab.randomCandidateCount()));
            if (stats != null) {
              stats.replacedByRandom++;
            }
          }
        }
      }
    }
    int[] pos = Arrays.copyOf(positions, count);
    Arrays.sort(pos);
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = ids[pos[i]];
    }
    return new MaskedInstance(out, pos, labels);
  }

  private static int span(int[] begin, int[] end, int w, int n) {
    int s = 0;
    for (int k = w; k < w + n; k++) {
      s += end[k] - begin[k];
    }
    return s;
  }

  /** Draws n in [1, maxN] with p(n) proportional to 1/n (renormalized over the allowed lengths). */
  private int drawN(int maxN, Rng rng) {
    if (maxN == 1) {
      return 1;
    }
    double u = rng.nextDouble() * cumulative[maxN - 1];
    for (int n = 1; n < maxN; n++) {
      if (u < cumulative[n - 1]) {
        return n;
      }
    }
    return maxN;
  }
}
