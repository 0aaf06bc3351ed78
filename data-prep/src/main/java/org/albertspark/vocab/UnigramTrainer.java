package org.albertspark.vocab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * SentencePiece's unigram language-model trainer ({@code unigram_model_trainer.cc}) on a weighted
 * word table, re-implemented in Java:
 *
 * <ol>
 *   <li>required characters by character coverage (rarer characters become ▅ and are never learned,
 *       as in {@code trainer_interface.cc});
 *   <li>seed pieces: every character, plus the most frequent substrings by {@code freq × length}
 *       among the right-maximal repeats of a suffix array over the distinct words, where each
 *       position carries its word's count (the same statistics SentencePiece's esaxx suffix array
 *       over the sentences gives, computed from the word table);
 *   <li>EM: forward-backward expectations over each word's lattice, the Bayesian (digamma) M-step
 *       dropping pieces with expected count below 0.5;
 *   <li>pruning by the approximate likelihood loss of removing each piece (its second-best
 *       segmentation takes its place) to {@code max(vocab*1.1, 0.75 * size)} per round;
 *   <li>final cut: required characters, then the best-scoring pieces, to the vocabulary size.
 * </ol>
 *
 * <p>Deterministic: the result depends only on the table's content and the options (work is split
 * into a fixed number of accumulation lanes whose sums are combined in a fixed order, whatever the
 * number of threads).
 */
public final class UnigramTrainer {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(UnigramTrainer.class);

  private static final int LANES = 16;
  private static final int CHUNK = 256;
  private static final double UNK_PENALTY = 10.0;
  private static final double EXPECTED_FREQUENCY_THRESHOLD = 0.5;
  private static final float MIN_SCORE_PENALTY_DELTA = 0.0001f;

  private final UnigramTrainerOptions o;
  private final Consumer<String> progress;

  // The corpus: fragments as code points in one array, each followed by 0.
  private int[] text;
  private int[] fragStart; // fragment f = text[fragStart[f], fragStart[f+1]-1)
  private long[] fragCount;
  private long totalCount;

  // Seeds.
  private int[][] seedCps;
  private String[] seedStr;
  private CodePointTrie trie;

  // Lattice candidates per fragment position (seed ids), built once.
  private int[] posCandStart; // by global position in text (size text.length + 1)
  private int[] candId;
  private byte[] candLen;

  // Current model: seed ids and scores, in model order.
  private int[] cur;
  private double[] score;
  private int[] alive; // seed id -> index in cur, or -1
  private double minScore;

  private ExecutorService pool;

  public UnigramTrainer(UnigramTrainerOptions options, Consumer<String> progress) {
    this.o = options;
    this.progress = progress == null ? LOG::info : progress;
  }

  public UnigramTrainer(UnigramTrainerOptions options) {
    this(options, null);
  }

  /** Trains on an in-memory word table. */
  public TrainedVocab train(WordTable table) {
    long t0 = System.nanoTime();
    pool =
        Executors.newFixedThreadPool(
            Math.min(o.numThreads, LANES),
            r -> {
              Thread t = new Thread(r, "unigram-trainer");
              t.setDaemon(true);
              return t;
            });
    try {
      return doTrain(table, t0);
    } finally {
      pool.shutdownNow();
    }
  }

  private TrainedVocab doTrain(WordTable table, long t0) {
    // 1. Required characters.
    List<Map.Entry<Integer, Long>> chars = new ArrayList<>(table.charCounts.entrySet());
    chars.removeIf(
        e ->
            e.getKey() == ' '
                || e.getKey() == 0
                || e.getKey() == Pieces.UNK_CHAR
                || e.getValue() <= 0);
    chars.sort(
        (a, b) -> {
          int c = Long.compare(b.getValue(), a.getValue());
          return c != 0 ? c : Integer.compare(a.getKey(), b.getKey());
        });
    long allChars = 0;
    for (var e : chars) allChars += e.getValue();
    if (allChars == 0) {
      throw new IllegalArgumentException("the corpus has no characters to train on");
    }
    Map<Integer, Long> required = new LinkedHashMap<>();
    long acc = 0;
    for (var e : chars) {
      float coverage = (float) (1.0 * acc / allChars);
      if (coverage >= o.characterCoverage) {
        break;
      }
      acc += e.getValue();
      // Special symbols count as one boundary character each (as SentencePiece's tab) but are
      // never pieces.
      if (e.getKey() != Pieces.BOUNDARY) {
        required.put(e.getKey(), e.getValue());
      }
    }
    double finalCoverage = 1.0 * acc / allChars;
    progress.accept(
        String.format(
            "alphabet: %,d of %,d characters cover %.5f%% of the corpus (character coverage %s)",
            required.size(),
            chars.size() - (table.charCounts.containsKey(Pieces.BOUNDARY) ? 1 : 0),
            100 * finalCoverage,
            o.characterCoverage));
    if (required.size() + o.metaPieceCount() > o.vocabSize) {
      throw new IllegalArgumentException(
          String.format(
              "vocabulary size %d is smaller than the required characters (%d) plus special pieces (%d): "
                  + "increase --vocab-size or decrease --character-coverage",
              o.vocabSize, required.size(), o.metaPieceCount()));
    }

    // 2. The corpus array, rare characters replaced by ▅ (identical fragments merged).
    buildText(table, required);
    progress.accept(
        String.format(
            "word table: %,d distinct fragments, %,d occurrences", fragCount.length, totalCount));

    // 3. Seeds.
    long ts = System.nanoTime();
    double[] seedScore = makeSeeds();
    progress.accept(String.format("seed pieces: %,d (%.1fs)", seedStr.length, secs(ts)));

    // 4. Lattices.
    ts = System.nanoTime();
    buildLattices();
    progress.accept(
        String.format("lattices: %,d candidate nodes (%.1fs)", candId.length, secs(ts)));

    // 5. EM.
    cur = IndexSort.identity(seedStr.length);
    setModel(cur, seedScore);
    int desired = (int) (o.vocabSize * 1.1);
    int rounds = 0;
    while (true) {
      for (int iter = 0; iter < o.numSubIterations; iter++) {
        ts = System.nanoTime();
        double[] obj = new double[1];
        double[] expected = eStep(obj);
        mStep(expected);
        progress.accept(
            String.format(
                "EM round %d sub_iter %d: size=%,d obj=%.4f (%.1fs)",
                rounds + 1, iter, cur.length, obj[0], secs(ts)));
      }
      rounds++;
      if (cur.length <= desired) {
        break;
      }
      ts = System.nanoTime();
      int before = cur.length;
      prune(desired);
      progress.accept(
          String.format("pruned %,d -> %,d pieces (%.1fs)", before, cur.length, secs(ts)));
      if (cur.length >= before) {
        break; // nothing left to prune
      }
    }

    // 6. Finalize.
    List<TrainedVocab.Piece> pieces = finalizePieces(required);
    progress.accept(
        String.format(
            "trained %,d pieces in %d EM rounds (%.1fs)", pieces.size(), rounds, secs(t0)));
    return new TrainedVocab(
        pieces,
        new TrainedVocab.Stats(
            fragCount.length, totalCount, required.size(), finalCoverage, seedStr.length, rounds));
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  // ------------------------------------------------------------------ corpus

  private void buildText(WordTable table, Map<Integer, Long> required) {
    boolean replaced = false;
    String[] words = table.words;
    long[] counts = table.counts;
    int[][] cps = new int[words.length][];
    for (int i = 0; i < words.length; i++) {
      int[] c = words[i].codePoints().toArray();
      for (int k = 0; k < c.length; k++) {
        if (!required.containsKey(c[k])) {
          c[k] = Pieces.UNK_CHAR;
          replaced = true;
        }
      }
      cps[i] = c;
    }
    if (replaced) { // merge fragments made identical by ▅, keep the canonical order
      Map<String, Long> m = new HashMap<>();
      for (int i = 0; i < cps.length; i++) {
        m.merge(new String(cps[i], 0, cps[i].length), counts[i], Long::sum);
      }
      List<Map.Entry<String, Long>> e = new ArrayList<>(m.entrySet());
      e.sort(WordTable::canonical);
      cps = new int[e.size()][];
      counts = new long[e.size()];
      for (int i = 0; i < cps.length; i++) {
        cps[i] = e.get(i).getKey().codePoints().toArray();
        counts[i] = e.get(i).getValue();
      }
    }
    long n = 0;
    for (int[] c : cps) n += c.length + 1;
    if (n > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "word table too large for one trainer (" + n + " code points): lower --max-words");
    }
    text = new int[(int) n];
    fragStart = new int[cps.length + 1];
    fragCount = counts;
    int p = 0;
    for (int i = 0; i < cps.length; i++) {
      fragStart[i] = p;
      System.arraycopy(cps[i], 0, text, p, cps[i].length);
      p += cps[i].length;
      text[p++] = 0;
    }
    fragStart[cps.length] = p;
    totalCount = 0;
    for (long c : counts) totalCount += c;
  }

  // ------------------------------------------------------------------ seeds

  private double[] makeSeeds() {
    int n = text.length;
    long[] posWeight = new long[cps(n)];
    int m = 0;
    for (int f = 0; f < fragCount.length; f++) {
      for (int p = fragStart[f]; p < fragStart[f + 1] - 1; p++) {
        posWeight[p] = fragCount[f];
        if (text[p] != Pieces.UNK_CHAR) {
          m++;
        }
      }
    }
    int[] sa = new int[m];
    int k0 = 0;
    for (int p = 0; p < n; p++) {
      if (text[p] != 0 && text[p] != Pieces.UNK_CHAR) {
        sa[k0++] = p;
      }
    }
    final int depth = o.maxPieceLength + 1;
    SuffixSort.sort(text, sa, depth);

    // lcp[k] = common prefix of sa[k-1], sa[k] (capped at depth, separators excluded).
    int[] lcp = new int[m + 1];
    for (int k = 1; k < m; k++) {
      int a = sa[k - 1], b = sa[k], d = 0;
      while (d < depth && text[a + d] != 0 && text[a + d] == text[b + d]) {
        d++;
      }
      lcp[k] = d;
    }
    long[] prefW = new long[m + 1];
    for (int k = 0; k < m; k++) {
      prefW[k + 1] = prefW[k] + posWeight[sa[k]];
    }

    SeedQueue q = new SeedQueue(o.seedSentencepieceSize);
    // Internal nodes: LCP intervals.
    int[] stL = new int[depth + 2];
    int[] stB = new int[depth + 2];
    int sp = 0;
    stL[0] = 0;
    stB[0] = 0;
    for (int k = 1; k <= m; k++) {
      int cl = k < m ? lcp[k] : 0;
      int lb = k - 1;
      while (cl < stL[sp]) {
        int l = stL[sp], b = stB[sp];
        sp--;
        int rb = k - 1;
        if (l >= 2 && l <= o.maxPieceLength && Pieces.isValid(text, sa[b], sa[b] + l, o)) {
          q.push((prefW[rb + 1] - prefW[b]) * l, b, l);
        }
        lb = b;
      }
      if (cl > stL[sp]) {
        sp++;
        stL[sp] = cl;
        stB[sp] = lb;
      }
    }
    // All characters first (weighted), then substrings by score.
    Map<Integer, Long> allChars = new HashMap<>();
    for (int f = 0; f < fragCount.length; f++) {
      for (int p = fragStart[f]; p < fragStart[f + 1] - 1; p++) {
        if (text[p] != Pieces.UNK_CHAR) {
          allChars.merge(text[p], fragCount[f], Long::sum);
        }
      }
    }
    List<Map.Entry<Integer, Long>> ch = new ArrayList<>(allChars.entrySet());
    ch.sort(
        (a, b) -> {
          int c = Long.compare(b.getValue(), a.getValue());
          return c != 0 ? c : Integer.compare(a.getKey(), b.getKey());
        });
    int[] top = q.sorted(sa, text);
    int total = ch.size() + top.length;
    seedCps = new int[total][];
    seedStr = new String[total];
    double[] sc = new double[total];
    int i = 0;
    for (var e : ch) {
      seedCps[i] = new int[] {e.getKey()};
      seedStr[i] = new String(seedCps[i], 0, 1);
      sc[i] = e.getValue();
      i++;
    }
    for (int t : top) {
      int start = sa[q.lb[t]];
      seedCps[i] = Arrays.copyOfRange(text, start, start + q.len[t]);
      seedStr[i] = new String(seedCps[i], 0, seedCps[i].length);
      sc[i] = q.score[t];
      i++;
    }
    double sum = 0;
    for (double v : sc) sum += v;
    double logSum = Math.log(sum);
    for (int j = 0; j < total; j++) {
      sc[j] = Math.log(sc[j]) - logSum;
    }
    return sc;
  }

  private static int cps(int n) {
    return n;
  }

  /** Bounded "top N by score" buffer (score desc, then substring order = SA position, length). */
  private static final class SeedQueue {
    final int size;
    long[] score;
    int[] lb;
    int[] len;
    int n;

    SeedQueue(int size) {
      this.size = size;
      int cap = Math.min(4 * size + 1, 1 << 20);
      score = new long[cap];
      lb = new int[cap];
      len = new int[cap];
    }

    void push(long s, int l, int d) {
      if (n == score.length) {
        if (n >= 4 * size) {
          compact();
        } else {
          int cap = Math.min(score.length * 2, 4 * size + 1);
          score = Arrays.copyOf(score, cap);
          lb = Arrays.copyOf(lb, cap);
          len = Arrays.copyOf(len, cap);
        }
      }
      score[n] = s;
      lb[n] = l;
      len[n] = d;
      n++;
    }

    private int[] order() {
      int[] idx = IndexSort.identity(n);
      IndexSort.sort(
          idx,
          (a, b) -> {
            int c = Long.compare(score[b], score[a]);
            if (c != 0) {
              return c;
            }
            c = Integer.compare(lb[a], lb[b]);
            return c != 0 ? c : Integer.compare(len[a], len[b]);
          });
      return idx;
    }

    private void compact() {
      int[] idx = order();
      int keep = Math.min(size, n);
      long[] s2 = new long[score.length];
      int[] l2 = new int[score.length];
      int[] d2 = new int[score.length];
      for (int i = 0; i < keep; i++) {
        s2[i] = score[idx[i]];
        l2[i] = lb[idx[i]];
        d2[i] = len[idx[i]];
      }
      score = s2;
      lb = l2;
      len = d2;
      n = keep;
    }

    /** Indices of the kept entries, best first. */
    int[] sorted(int[] sa, int[] text) {
      compact();
      return IndexSort.identity(n);
    }
  }

  // ------------------------------------------------------------------ lattices

  private void buildLattices() {
    long nodes = 0;
    for (int[] s : seedCps) nodes += s.length;
    trie = new CodePointTrie((int) Math.min(nodes + 16, 1 << 28));
    for (int i = 0; i < seedCps.length; i++) {
      trie.insert(seedCps[i], 0, seedCps[i].length, i);
    }
    int n = text.length;
    posCandStart = new int[n + 1];
    int[] lens = new int[o.maxPieceLength + 1];
    int[] ids = new int[o.maxPieceLength + 1];
    int cap = Math.max(16, n * 2);
    int[] cid = new int[cap];
    byte[] clen = new byte[cap];
    int c = 0;
    for (int f = 0; f < fragCount.length; f++) {
      int end = fragStart[f + 1] - 1;
      for (int p = fragStart[f]; p <= end; p++) {
        posCandStart[p] = c;
        if (p == end) {
          continue;
        }
        int k = trie.prefixes(text, p, Math.min(end, p + o.maxPieceLength), lens, ids);
        if (c + k > cid.length) {
          long nc = Math.min((long) cid.length * 2, Integer.MAX_VALUE - 16);
          if (nc < c + k) {
            throw new IllegalArgumentException("word table too large: lower --max-words");
          }
          cid = Arrays.copyOf(cid, (int) nc);
          clen = Arrays.copyOf(clen, (int) nc);
        }
        for (int j = 0; j < k; j++) {
          cid[c] = ids[j];
          clen[c] = (byte) lens[j];
          c++;
        }
      }
    }
    posCandStart[n] = c;
    candId = Arrays.copyOf(cid, c);
    candLen = Arrays.copyOf(clen, c);
  }

  private void setModel(int[] seeds, double[] scores) {
    cur = seeds;
    score = scores;
    alive = new int[seedStr.length];
    Arrays.fill(alive, -1);
    double min = Double.MAX_VALUE;
    for (int i = 0; i < seeds.length; i++) {
      alive[seeds[i]] = i;
      min = Math.min(min, scores[i]);
    }
    minScore = min;
  }

  // ------------------------------------------------------------------ EM

  private interface LaneWork {
    void run(int lane, int fragment);
  }

  private void forEachFragmentInLanes(LaneWork work) {
    int nf = fragCount.length;
    List<Future<?>> fs = new ArrayList<>();
    for (int lane = 0; lane < LANES; lane++) {
      final int ln = lane;
      fs.add(
          pool.submit(
              () -> {
                for (int start = ln * CHUNK; start < nf; start += LANES * CHUNK) {
                  int end = Math.min(nf, start + CHUNK);
                  for (int f = start; f < end; f++) {
                    work.run(ln, f);
                  }
                }
              }));
    }
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        if (e.getCause() instanceof Error er) {
          throw er;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private static double logSumExp(double x, double y) {
    if (x == Double.NEGATIVE_INFINITY) {
      return y;
    }
    if (y == Double.NEGATIVE_INFINITY) {
      return x;
    }
    double hi = Math.max(x, y), lo = Math.min(x, y);
    return hi + Math.log1p(Math.exp(lo - hi));
  }

  private double[] eStep(double[] objOut) {
    int np = cur.length;
    double[][] exp = new double[LANES][];
    double[] obj = new double[LANES];
    double unk = minScore - UNK_PENALTY;
    int maxLen = 0;
    for (int f = 0; f < fragCount.length; f++) {
      maxLen = Math.max(maxLen, fragStart[f + 1] - fragStart[f]);
    }
    final int ml = maxLen + 1;
    ThreadLocal<double[][]> bufs =
        ThreadLocal.withInitial(() -> new double[][] {new double[ml], new double[ml]});
    forEachFragmentInLanes(
        (lane, f) -> {
          if (exp[lane] == null) {
            exp[lane] = new double[np];
          }
          double[] ex = exp[lane];
          double[][] b = bufs.get();
          double[] alpha = b[0], beta = b[1];
          int s = fragStart[f];
          int n = fragStart[f + 1] - 1 - s;
          Arrays.fill(alpha, 0, n + 1, Double.NEGATIVE_INFINITY);
          Arrays.fill(beta, 0, n + 1, Double.NEGATIVE_INFINITY);
          alpha[0] = 0;
          for (int p = 0; p < n; p++) {
            double a = alpha[p];
            boolean single = false;
            for (int c = posCandStart[s + p]; c < posCandStart[s + p + 1]; c++) {
              int id = alive[candId[c]];
              if (id < 0) {
                continue;
              }
              int len = candLen[c];
              if (len == 1) {
                single = true;
              }
              alpha[p + len] = logSumExp(alpha[p + len], a + score[id]);
            }
            if (!single) {
              alpha[p + 1] = logSumExp(alpha[p + 1], a + unk);
            }
          }
          beta[n] = 0;
          for (int p = n - 1; p >= 0; p--) {
            double v = Double.NEGATIVE_INFINITY;
            boolean single = false;
            for (int c = posCandStart[s + p]; c < posCandStart[s + p + 1]; c++) {
              int id = alive[candId[c]];
              if (id < 0) {
                continue;
              }
              int len = candLen[c];
              if (len == 1) {
                single = true;
              }
              v = logSumExp(v, score[id] + beta[p + len]);
            }
            if (!single) {
              v = logSumExp(v, unk + beta[p + 1]);
            }
            beta[p] = v;
          }
          double z = alpha[n];
          double w = fragCount[f];
          for (int p = 0; p < n; p++) {
            for (int c = posCandStart[s + p]; c < posCandStart[s + p + 1]; c++) {
              int id = alive[candId[c]];
              if (id < 0) {
                continue;
              }
              ex[id] += w * Math.exp(alpha[p] + score[id] + beta[p + candLen[c]] - z);
            }
          }
          obj[lane] -= w * z / totalCount;
        });
    double[] total = new double[np];
    double o2 = 0;
    for (int lane = 0; lane < LANES; lane++) {
      o2 += obj[lane];
      if (exp[lane] == null) {
        continue;
      }
      for (int i = 0; i < np; i++) {
        total[i] += exp[lane][i];
      }
    }
    objOut[0] = o2;
    return total;
  }

  private void mStep(double[] expected) {
    int n = 0;
    double sum = 0;
    for (double e : expected) {
      if (e >= EXPECTED_FREQUENCY_THRESHOLD) {
        n++;
        sum += e;
      }
    }
    int[] seeds = new int[n];
    double[] sc = new double[n];
    double logSum = digamma(sum);
    int j = 0;
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] < EXPECTED_FREQUENCY_THRESHOLD) {
        continue;
      }
      seeds[j] = cur[i];
      sc[j] = digamma(expected[i]) - logSum;
      j++;
    }
    if (n == 0) {
      throw new IllegalStateException("EM removed every piece: the corpus is too small");
    }
    setModel(seeds, sc);
  }

  static double digamma(double x) {
    double result = 0;
    for (; x < 7; ++x) {
      result -= 1 / x;
    }
    x -= 1.0 / 2.0;
    double xx = 1.0 / x;
    double xx2 = xx * xx;
    double xx4 = xx2 * xx2;
    result +=
        Math.log(x)
            + (1.0 / 24.0) * xx2
            - (7.0 / 960.0) * xx4
            + (31.0 / 8064.0) * xx4 * xx2
            - (127.0 / 30720.0) * xx4 * xx4;
    return result;
  }

  // ------------------------------------------------------------------ pruning

  /**
   * Viterbi over text[s, s+n) with the current model; returns the number of nodes written to {@code
   * path} (current ids, -1 for unk). {@code skipWhole}: ignore the node spanning all of it.
   */
  private int viterbi(
      int[] cps,
      int s,
      int n,
      boolean skipWhole,
      double[] best,
      int[] backLen,
      int[] backId,
      int[] path,
      double[] scoreOut,
      int[] lens,
      int[] ids,
      boolean useLattice) {
    double unk = minScore - UNK_PENALTY;
    Arrays.fill(best, 0, n + 1, Double.NEGATIVE_INFINITY);
    best[0] = 0;
    for (int p = 0; p < n; p++) {
      double a = best[p];
      if (a == Double.NEGATIVE_INFINITY) {
        continue;
      }
      boolean single = false;
      int k;
      int cBase;
      if (useLattice) {
        cBase = posCandStart[s + p];
        k = posCandStart[s + p + 1] - cBase;
      } else {
        cBase = 0;
        k = trie.prefixes(cps, s + p, s + n, lens, ids);
      }
      for (int j = 0; j < k; j++) {
        int seed = useLattice ? candId[cBase + j] : ids[j];
        int len = useLattice ? candLen[cBase + j] : lens[j];
        int id = alive[seed];
        if (id < 0) {
          continue;
        }
        if (len == 1) {
          single = true;
        }
        if (skipWhole && p == 0 && len == n) {
          continue;
        }
        double v = a + score[id];
        if (v > best[p + len]) {
          best[p + len] = v;
          backLen[p + len] = len;
          backId[p + len] = id;
        }
      }
      if (!single) {
        double v = a + unk;
        if (v > best[p + 1]) {
          best[p + 1] = v;
          backLen[p + 1] = 1;
          backId[p + 1] = -1;
        }
      }
    }
    scoreOut[0] = best[n];
    int cnt = 0;
    for (int q = n; q > 0; q -= backLen[q]) {
      path[cnt++] = backId[q];
    }
    return cnt; // reversed order; callers only need the multiset
  }

  private void prune(int desired) {
    int np = cur.length;
    int maxLen = Math.max(o.maxPieceLength, 1);
    for (int f = 0; f < fragCount.length; f++) {
      maxLen = Math.max(maxLen, fragStart[f + 1] - fragStart[f]);
    }
    final int ml = maxLen + 1;

    // Second-best segmentation of every piece.
    boolean[] alwaysKeep = new boolean[np];
    int[][] alternatives = new int[np][];
    {
      double[] best = new double[o.maxPieceLength + 2];
      int[] bl = new int[o.maxPieceLength + 2], bi = new int[o.maxPieceLength + 2];
      int[] path = new int[o.maxPieceLength + 2];
      int[] lens = new int[o.maxPieceLength + 1], ids = new int[o.maxPieceLength + 1];
      double[] sc = new double[1];
      for (int i = 0; i < np; i++) {
        int[] cps = seedCps[cur[i]];
        if (cps.length == 1) {
          alwaysKeep[i] = true; // no other segmentation
          alternatives[i] = new int[0];
          continue;
        }
        int k = viterbi(cps, 0, cps.length, true, best, bl, bi, path, sc, lens, ids, false);
        if (sc[0] > score[i]) {
          alwaysKeep[i] = false; // its own Viterbi path splits it
        } else {
          alwaysKeep[i] = true;
          alternatives[i] = Arrays.copyOf(path, k);
        }
      }
    }

    // Viterbi frequencies over the corpus.
    long[][] laneFreq = new long[LANES][];
    long[] laneTokens = new long[LANES];
    ThreadLocal<Object[]> bufs =
        ThreadLocal.withInitial(
            () ->
                new Object[] {
                  new double[ml], new int[ml], new int[ml], new int[ml], new double[1]
                });
    forEachFragmentInLanes(
        (lane, f) -> {
          if (laneFreq[lane] == null) {
            laneFreq[lane] = new long[np];
          }
          Object[] b = bufs.get();
          int s = fragStart[f];
          int n = fragStart[f + 1] - 1 - s;
          int[] path = (int[]) b[3];
          int k =
              viterbi(
                  text,
                  s,
                  n,
                  false,
                  (double[]) b[0],
                  (int[]) b[1],
                  (int[]) b[2],
                  path,
                  (double[]) b[4],
                  null,
                  null,
                  true);
          long w = fragCount[f];
          long[] fr = laneFreq[lane];
          for (int j = 0; j < k; j++) {
            if (path[j] >= 0) {
              fr[path[j]] += w;
            }
          }
          laneTokens[lane] += w * k;
        });
    long[] freq = new long[np];
    long tokens = 0;
    for (int lane = 0; lane < LANES; lane++) {
      tokens += laneTokens[lane];
      if (laneFreq[lane] == null) {
        continue;
      }
      for (int i = 0; i < np; i++) {
        freq[i] += laneFreq[lane][i];
      }
    }
    progress.accept(
        String.format(
            "Viterbi: %,d tokens for %,d word occurrences (%.3f tokens/word)",
            tokens, totalCount, (double) tokens / totalCount));

    double sum = 0;
    for (long v : freq) sum += v;
    double logSum = Math.log(sum);
    double vsum = totalCount;
    List<Integer> kept = new ArrayList<>();
    int[] candIdx = new int[np];
    double[] loss = new double[np];
    int nc = 0;
    for (int i = 0; i < np; i++) {
      if (freq[i] == 0 || !alwaysKeep[i]) {
        continue;
      }
      if (alternatives[i].length == 0) {
        kept.add(i);
        continue;
      }
      double fi = freq[i];
      double F = fi / vsum;
      double logProbSp = Math.log(fi) - logSum;
      double logSumAlt = Math.log(sum + fi * (alternatives[i].length - 1));
      double logProbAlt = 0;
      for (int a : alternatives[i]) {
        double fa = a >= 0 ? freq[a] : 0;
        logProbAlt += Math.log(fa + fi) - logSumAlt;
      }
      candIdx[nc] = i;
      loss[i] = F * (logProbSp - logProbAlt);
      nc++;
    }
    int[] order = Arrays.copyOf(candIdx, nc);
    IndexSort.sort(
        order,
        (a, b) -> {
          int c = Double.compare(loss[b], loss[a]);
          return c != 0 ? c : Integer.compare(a, b);
        });
    int prunedSize = Math.max(desired, (int) (o.shrinkingFactor * np));
    List<Integer> next = new ArrayList<>(kept);
    for (int i : order) {
      if (next.size() >= prunedSize) {
        break;
      }
      next.add(i);
    }
    int[] seeds = new int[next.size()];
    double[] sc = new double[next.size()];
    for (int j = 0; j < seeds.length; j++) {
      seeds[j] = cur[next.get(j)];
      sc[j] = score[next.get(j)];
    }
    setModel(seeds, sc);
  }

  // ------------------------------------------------------------------ final

  private List<TrainedVocab.Piece> finalizePieces(Map<Integer, Long> required) {
    Map<String, Float> fin = new LinkedHashMap<>();
    Map<String, Double> sp = new HashMap<>();
    for (int i = 0; i < cur.length; i++) {
      sp.put(seedStr[cur[i]], score[i]);
    }
    float penalty = 0;
    float min = (float) minScore;
    for (int cp : required.keySet()) { // already sorted by count desc, code point asc
      String s = new String(new int[] {cp}, 0, 1);
      Double v = sp.get(s);
      if (v != null) {
        fin.put(s, (float) (double) v);
      } else {
        fin.put(s, min + penalty);
        penalty += MIN_SCORE_PENALTY_DELTA;
      }
    }
    int target = o.vocabSize - o.metaPieceCount();
    int[] idx = IndexSort.identity(cur.length);
    float[] fs = new float[cur.length];
    for (int i = 0; i < cur.length; i++) {
      fs[i] = (float) score[i];
    }
    IndexSort.sort(
        idx,
        (a, b) -> {
          int c = Float.compare(fs[b], fs[a]);
          return c != 0 ? c : Pieces.compareCodePoints(seedStr[cur[a]], seedStr[cur[b]]);
        });
    for (int i : idx) {
      if (fin.size() >= target) {
        break;
      }
      fin.putIfAbsent(seedStr[cur[i]], fs[i]);
    }
    if (fin.size() < target) {
      throw new IllegalArgumentException(
          String.format(
              "vocabulary size too high (%d): this corpus supports at most %d pieces; "
                  + "set --vocab-size <= %d or train on more text",
              o.vocabSize, fin.size() + o.metaPieceCount(), fin.size() + o.metaPieceCount()));
    }
    List<TrainedVocab.Piece> out = new ArrayList<>(fin.size());
    fin.forEach((k, v) -> out.add(new TrainedVocab.Piece(k, v)));
    out.sort(
        (a, b) -> {
          int c = Float.compare(b.score(), a.score());
          return c != 0 ? c : Pieces.compareCodePoints(a.piece(), b.piece());
        });
    return out;
  }
}
