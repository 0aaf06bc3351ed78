package org.albertspark.prep.instance;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.albertspark.prep.mask.VocabInfo;
import org.albertspark.prep.util.Rng;

/**
 * ALBERT's {@code create_instances_from_document} for one pass over one document, on id arrays.
 *
 * <p>Sentences are accumulated into a chunk until it reaches the target length (the full {@code
 * max_seq_length - 3}, or with probability {@code short_seq_prob} a random length in [2, max]), the
 * chunk is cut at a random sentence boundary into A and B, and with p = 0.5 A and B are swapped
 * (sentence-order label 1). The pair is truncated to fit by removing tokens from the front or back
 * of the longer side at random.
 *
 * <p>A chunk of a single sentence (a sentence longer than the target, or a lone last sentence) has
 * no sentence boundary. Upstream then takes B from a random other document, which turns the order
 * task into NSP for those pairs; here, in SOP mode, the sentence is cut at a random word start into
 * A and B and the usual swap applies. In NSP mode ({@link InstanceConfig#randomNextSentence()})
 * upstream's behaviour is kept, with B drawn from the {@link NspPool}.
 */
public final class InstanceBuilder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final InstanceConfig config;
  private final VocabInfo vocab;

  /** Counters of one or many passes. */
  public static final class Stats implements Serializable {
    public long instances;
    public long swappedOrRandom;
    public long singleSentenceChunksSplit;
    public long chunksDropped;
    public long tokensTruncated;
  }

  public InstanceBuilder(InstanceConfig config, VocabInfo vocab) {
    this.config = config;
    this.vocab = vocab;
  }

  public InstanceConfig config() {
    return config;
  }

  /**
   * Instances from one pass over a document.
   *
   * @param document sentences as token ids (empty sentences are ignored)
   * @param docKey the document's key (used only to avoid drawing itself from the NSP pool)
   * @param rng the pass's RNG (derived from seed, document identity and dupe index)
   * @param pool NSP pool, or null
   * @param stats counters to add to, or null
   */
  public List<Instance> build(int[][] document, long docKey, Rng rng, NspPool pool, Stats stats) {
    List<int[]> doc = new ArrayList<>(document.length);
    for (int[] s : document)
      if (s.length > 0) {
        doc.add(s);
      }
    List<Instance> out = new ArrayList<>();
    int maxNumTokens = config.maxNumTokens();
    int target = maxNumTokens;
    if (rng.nextDouble() < config.shortSeqProb()) {
      target = rng.nextIntInclusive(2, maxNumTokens);
    }

    List<int[]> chunk = new ArrayList<>();
    int currentLength = 0;
    int i = 0;
    while (i < doc.size()) {
      int[] segment = doc.get(i);
      chunk.add(segment);
      currentLength += segment.length;
      if (i == doc.size() - 1 || currentLength >= target) {
        i -= emit(chunk, target, docKey, rng, pool, out, stats);
        chunk = new ArrayList<>();
        currentLength = 0;
      }
      i++;
    }
    return out;
  }

  /** Builds the instance of one chunk into {@code out}; returns how many sentences to put back. */
  private int emit(
      List<int[]> chunk,
      int target,
      long docKey,
      Rng rng,
      NspPool pool,
      List<Instance> out,
      Stats stats) {
    int aEnd = 1;
    if (chunk.size() >= 2) {
      aEnd = rng.nextIntInclusive(1, chunk.size() - 1);
    }
    IntList a = new IntList();
    IntList b = new IntList();
    int label;
    int putBack = 0;
    boolean havePool = pool != null && !pool.isEmpty();
    if (config.randomNextSentence() && havePool && (chunk.size() == 1 || rng.nextDouble() < 0.5)) {
      for (int j = 0; j < aEnd; j++) {
        a.addAll(chunk.get(j));
      }
      label = 1;
      int targetB = target - a.size();
      NspPool.Doc other = null;
      for (int t = 0; t < 10; t++) {
        other = pool.docs().get(rng.nextInt(pool.docs().size()));
        if (other.key() != docKey) {
          break;
        }
      }
      int[][] rs = other.sentences();
      int start = rng.nextInt(rs.length);
      for (int j = start; j < rs.length; j++) {
        b.addAll(rs[j]);
        if (b.size() >= targetB) {
          break;
        }
      }
      putBack = chunk.size() - aEnd;
    } else if (chunk.size() == 1) {
      int[] s = chunk.get(0);
      if (s.length < 2) { // one token: no pair possible
        if (stats != null) {
          stats.chunksDropped++;
        }
        return 0;
      }
      int cut = chooseCut(s, rng);
      a.addAll(s, 0, cut);
      b.addAll(s, cut, s.length);
      if (stats != null) {
        stats.singleSentenceChunksSplit++;
      }
      label = orderLabel(rng);
    } else {
      for (int j = 0; j < aEnd; j++) {
        a.addAll(chunk.get(j));
      }
      for (int j = aEnd; j < chunk.size(); j++) {
        b.addAll(chunk.get(j));
      }
      label = config.randomNextSentence() ? 0 : orderLabel(rng);
    }
    if (label == 1 && !config.randomNextSentence()) {
      IntList t = a;
      a = b;
      b = t;
    }
    int truncated = truncatePair(a, b, config.maxNumTokens(), rng);
    if (a.size() < 1 || b.size() < 1) {
      if (stats != null) {
        stats.chunksDropped++;
      }
      return putBack;
    }
    int[] ids = new int[a.size() + b.size() + 3];
    int p = 0;
    ids[p++] = vocab.clsId();
    for (int k = 0; k < a.size(); k++) {
      ids[p++] = a.get(k);
    }
    ids[p++] = vocab.sepId();
    int segA = p;
    for (int k = 0; k < b.size(); k++) {
      ids[p++] = b.get(k);
    }
    ids[p] = vocab.sepId();
    out.add(new Instance(ids, segA, label, out.size()));
    if (stats != null) {
      stats.instances++;
      stats.swappedOrRandom += label;
      stats.tokensTruncated += truncated;
    }
    return putBack;
  }

  /** Upstream draws rng.random() < 0.5 for "swap": label 1. */
  private static int orderLabel(Rng rng) {
    return rng.nextDouble() < 0.5 ? 1 : 0;
  }

  /** A cut point in [1, len-1], preferring word starts. */
  private int chooseCut(int[] s, Rng rng) {
    int starts = 0;
    for (int j = 1; j < s.length; j++) {
      if (vocab.isWordStart(s[j])) {
        starts++;
      }
    }
    if (starts == 0) {
      return rng.nextIntInclusive(1, s.length - 1);
    }
    int k = rng.nextInt(starts);
    for (int j = 1; j < s.length; j++) {
      if (vocab.isWordStart(s[j]) && k-- == 0) {
        return j;
      }
    }
    throw new AssertionError();
  }

  /**
   * Upstream's truncate_seq_pair: trim the longer side from a random end. Returns tokens removed.
   */
  static int truncatePair(IntList a, IntList b, int maxNumTokens, Rng rng) {
    int removed = 0;
    while (a.size() + b.size() > maxNumTokens) {
      IntList t = a.size() > b.size() ? a : b;
      if (rng.nextDouble() < 0.5) {
        t.removeFirst();
      } else {
        t.removeLast();
      }
      removed++;
    }
    return removed;
  }

  /** A growable int array that can drop from either end in O(1). */
  static final class IntList {
    private int[] data = new int[16];
    private int head;
    private int tail;

    int size() {
      return tail - head;
    }

    int get(int i) {
      return data[head + i];
    }

    void addAll(int[] xs) {
      addAll(xs, 0, xs.length);
    }

    void addAll(int[] xs, int from, int to) {
      int n = to - from;
      if (tail + n > data.length) {
        int[] d = new int[Math.max(2 * data.length, size() + n + 16)];
        System.arraycopy(data, head, d, 0, size());
        tail -= head;
        head = 0;
        data = d;
      }
      System.arraycopy(xs, from, data, tail, n);
      tail += n;
    }

    void removeFirst() {
      head++;
    }

    void removeLast() {
      tail--;
    }
  }
}
