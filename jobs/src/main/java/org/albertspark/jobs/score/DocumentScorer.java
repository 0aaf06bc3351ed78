package org.albertspark.jobs.score;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.nn.AlbertNetwork;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.nn.Workspace;
import org.albertspark.tokenizer.AlbertTokenizer;

/**
 * Scores a stream of documents with bounded memory: reads {@link #GROUP_ROWS} rows, cuts their
 * texts into windows (lazily, a pool of at most {@link #POOL_BATCHES} batches' worth of tokens at a
 * time), runs the pool's windows in batches as the {@link BatchPolicy} plans them, folds each
 * window's logits into its document, and hands the group's results back in input order. One scorer
 * per thread (it owns a workspace); the classifier is shared.
 */
public final class DocumentScorer {

  /** Rows read, and reordered, at a time. */
  static final int GROUP_ROWS = 256;

  /** A group also ends once its texts hold this many characters (a few huge documents). */
  static final long GROUP_CHARS = 8L << 20;

  /** A pool holds up to this many token budgets of windows: room to sort by length. */
  static final int POOL_BATCHES = 8;

  /**
   * A document's outcome: a prediction, or an error and no prediction. {@code truncated} is true
   * when the document had more windows than {@link ScoringOptions#maxWindows()} and only the first
   * {@code windows} were scored, or when part of a text pair's first text fit in no window (null
   * with an error).
   */
  public record Result(
      String prediction,
      Double confidence,
      Map<String, Double> probabilities,
      int windows,
      Boolean truncated,
      String error) {

    static Result failed(String error) {
      return new Result(null, null, null, 0, null, error);
    }
  }

  /** An input item and its result. */
  public record Scored<T>(T item, Result result) {}

  /**
   * Work done so far: forward passes, windows, real and padded tokens, Σ rows × padded length² of
   * the batches (attention's cost), forward time.
   */
  public record Stats(
      long batches,
      long windows,
      long tokens,
      long paddedTokens,
      long attentionCells,
      long forwardNanos) {}

  private final LoadedClassifier classifier;
  private final ScoringOptions options;
  private final BatchPolicy policy;
  private final int windowLength;
  private final int classes;
  private Workspace workspace; // allocated at the first forward pass
  private boolean planOnly; // count the batches, run no forward pass
  private long batches, windows, tokens, paddedTokens, attentionCells, forwardNanos;

  public DocumentScorer(LoadedClassifier classifier, ScoringOptions options, BatchPolicy policy) {
    options.check(classifier.model().config());
    this.classifier = classifier;
    this.options = options;
    this.policy = policy;
    this.windowLength = options.windowLength(classifier.model().config());
    this.classes = classifier.labels().size();
  }

  public Stats stats() {
    return new Stats(batches, windows, tokens, paddedTokens, attentionCells, forwardNanos);
  }

  /**
   * The work scoring {@code texts} would take, tokenization and batching only (no forward pass):
   * what the benchmark bounds bucketing's gain with, cheaply, over a whole data set.
   */
  public Stats plan(Iterator<?> texts) {
    planOnly = true;
    try {
      score(texts, t -> t).forEachRemaining(s -> {});
    } finally {
      planOnly = false;
    }
    return stats();
  }

  /** The off-heap bytes of this scorer's workspace (0 before the first forward pass). */
  public long workspaceBytes() {
    return workspace == null ? 0 : workspace.bytes();
  }

  /** Results for {@code items} in their order; {@code textOf} gives an item's text value. */
  public <T> Iterator<Scored<T>> score(Iterator<T> items, Function<T, Object> textOf) {
    return score(items, textOf, null);
  }

  /**
   * Results for {@code items} in their order. {@code pairOf} gives an item's second text (null:
   * single texts): a pair's first window is encoded as fine-tuning encodes it, {@code [CLS] a [SEP]
   * b [SEP]} with token types 0 then 1, cut longest-first to max-seq-length, and a cut second text
   * goes on in further windows ({@link PairWindows}); a missing or unusable second text is an error
   * as a first text's is.
   */
  public <T> Iterator<Scored<T>> score(
      Iterator<T> items, Function<T, Object> textOf, Function<T, Object> pairOf) {
    return new Iterator<>() {
      private final ArrayDeque<Scored<T>> ready = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        if (ready.isEmpty() && items.hasNext()) {
          List<T> group = new ArrayList<>(GROUP_ROWS);
          List<Object> texts = new ArrayList<>(GROUP_ROWS);
          List<Object> pairs = pairOf == null ? null : new ArrayList<>(GROUP_ROWS);
          long chars = 0;
          while (group.size() < GROUP_ROWS && chars < GROUP_CHARS && items.hasNext()) {
            T item = items.next();
            group.add(item);
            chars += add(texts, textOf.apply(item));
            if (pairs != null) {
              chars += add(pairs, pairOf.apply(item));
            }
          }
          List<Result> results = scoreGroup(texts, pairs);
          for (int i = 0; i < group.size(); i++) {
            ready.add(new Scored<>(group.get(i), results.get(i)));
          }
        }
        return !ready.isEmpty();
      }

      @Override
      public Scored<T> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }
    };
  }

  /** Adds a text value to {@code values}; its size in characters (bytes). */
  private static long add(List<Object> values, Object text) {
    values.add(text);
    return text instanceof String s ? s.length() : text instanceof byte[] b ? b.length : 0;
  }

  /** One document in flight. */
  private final class Doc {
    String error;
    DocumentWindows pending; // null once all windows are taken (or on error)
    int windows;
    boolean truncated; // windows beyond maxWindows were left unscored, or a pair's first text cut
    double[] acc;
  }

  /** One window of a document waiting for its forward pass; types null: all 0. */
  private record Window(Doc doc, int index, int[] ids, int[] types) {}

  /** Results of a group of text values (and second texts, or null), in their order. */
  List<Result> scoreGroup(List<Object> texts, List<Object> pairs) {
    List<Doc> docs = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      Doc d = new Doc();
      DocumentText text = DocumentText.of(texts.get(i));
      DocumentText pair = pairs == null ? null : DocumentText.of(pairs.get(i));
      if (!text.ok()) {
        d.error = text.error();
      } else if (pair != null && !pair.ok()) {
        d.error = DocumentText.PAIR + ": " + pair.error();
      } else if (pair != null) {
        d.pending = pairWindows(d, text.text(), pair.text());
      } else {
        d.pending =
            new TokenWindows(classifier.tokenizer(), text.text(), windowLength, options.stride());
      }
      if (d.error == null) {
        d.acc = options.aggregate().start(classes);
      }
      docs.add(d);
    }
    long poolCap = (long) POOL_BATCHES * options.batchTokens();
    int next = 0;
    while (true) {
      List<Window> pool = new ArrayList<>();
      long poolTokens = 0;
      while (next < docs.size() && poolTokens < poolCap) {
        Window w = nextWindow(docs.get(next));
        if (w == null) {
          next++;
        } else {
          pool.add(w);
          poolTokens += w.ids().length;
        }
      }
      if (pool.isEmpty()) {
        break;
      }
      for (BatchPolicy.Planned<Window> b :
          policy.plan(pool, w -> w.ids().length, options.batchTokens(), windowLength)) {
        forward(b.rows(), b.seqLength());
      }
    }
    List<Result> out = new ArrayList<>(docs.size());
    for (Doc d : docs) {
      out.add(result(d));
    }
    return out;
  }

  /**
   * The document's next window, or null when it has none left, has reached max-windows, or its
   * tokenizer failed.
   */
  private Window nextWindow(Doc d) {
    if (d.pending == null) {
      return null;
    }
    try {
      boolean more = d.pending.hasNext();
      if (more && options.maxWindows() > 0 && d.windows >= options.maxWindows()) {
        d.truncated = true;
        more = false;
      }
      if (more) {
        int[] ids = d.pending.next();
        return new Window(d, d.windows++, ids, d.pending.tokenTypes(ids));
      }
    } catch (RuntimeException e) {
      d.error = DocumentText.TOKENIZER_FAILED + ": " + e;
    }
    d.pending = null;
    if (d.error == null && d.windows == 0) {
      d.error = DocumentText.NO_TOKENS;
    }
    return null;
  }

  /** A text pair's windows, or null with {@code d.error} set. */
  private PairWindows pairWindows(Doc d, String a, String b) {
    try {
      AlbertTokenizer tok = classifier.tokenizer();
      int[] ta = tok.tokenizeToIds(a);
      int[] tb = tok.tokenizeToIds(b);
      if (ta.length == 0 || tb.length == 0) {
        d.error = ta.length == 0 ? DocumentText.NO_TOKENS : DocumentText.PAIR + ": no tokens";
        return null;
      }
      PairWindows w = new PairWindows(tok, ta, tb, windowLength, options.stride());
      d.truncated = w.firstTextCut();
      return w;
    } catch (RuntimeException e) {
      d.error = DocumentText.TOKENIZER_FAILED + ": " + e;
      return null;
    }
  }

  /** Runs the windows as one batch of {@code seq} tokens each and folds in their logits. */
  private void forward(List<Window> rows, int seq) {
    AlbertModel model = classifier.model();
    int b = rows.size();
    int[] ids = new int[b * seq];
    int[] mask = new int[b * seq];
    int[] types = null; // all 0 unless a row is a text pair
    Arrays.fill(ids, model.config().padTokenId());
    for (int r = 0; r < b; r++) {
      Window row = rows.get(r);
      int[] w = row.ids();
      System.arraycopy(w, 0, ids, r * seq, w.length);
      Arrays.fill(mask, r * seq, r * seq + w.length, 1);
      if (row.types() != null) {
        types = types == null ? new int[b * seq] : types;
        System.arraycopy(row.types(), 0, types, r * seq, w.length);
      }
      tokens += w.length;
    }
    batches++;
    windows += b;
    paddedTokens += (long) b * seq;
    attentionCells += (long) b * seq * seq;
    if (planOnly) {
      return;
    }
    if (workspace == null) {
      // one workspace for every batch the policy plans; the last layer computes only [CLS] rows
      BatchPolicy.Capacity cap = policy.capacity(options.batchTokens(), windowLength);
      workspace =
          Workspace.forInference(
              model.config(),
              model.head(),
              cap.rows(),
              windowLength,
              cap.tokens(),
              Workspace.Outputs.CLS_ROWS);
    }
    long t0 = System.nanoTime();
    AlbertNetwork.forward(model, Batch.ofInputs(b, seq, ids, types, mask), workspace, 0L);
    forwardNanos += System.nanoTime() - t0;
    float[] logits = workspace.headLogits().toArray();
    for (int r = 0; r < b; r++) {
      Window w = rows.get(r);
      options.aggregate().add(w.doc().acc, logits, r * classes, w.index());
    }
  }

  private Result result(Doc d) {
    if (d.error != null) {
      return Result.failed(d.error);
    }
    double[] logits = d.acc;
    options.aggregate().finish(logits, d.windows);
    double[] p = classifier.multiLabel() ? sigmoid(logits) : softmax(logits);
    List<String> labels = classifier.labels();
    Map<String, Double> probabilities = new LinkedHashMap<>();
    int best = 0;
    for (int j = 0; j < classes; j++) {
      probabilities.put(labels.get(j), p[j]);
      if (p[j] > p[best]) {
        best = j;
      }
    }
    String prediction;
    if (classifier.multiLabel()) {
      List<String> chosen = new ArrayList<>();
      for (int j = 0; j < classes; j++) {
        if (p[j] >= options.threshold()) {
          chosen.add(labels.get(j));
        }
      }
      prediction = String.join(",", chosen);
    } else {
      prediction = labels.get(best);
    }
    return new Result(
        prediction,
        p[best],
        Collections.unmodifiableMap(probabilities),
        d.windows,
        d.truncated,
        null);
  }

  static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] p = new double[z.length];
    for (int j = 0; j < z.length; j++) {
      p[j] = Math.exp(z[j] - max);
      sum += p[j];
    }
    for (int j = 0; j < z.length; j++) {
      p[j] /= sum;
    }
    return p;
  }

  static double[] sigmoid(double[] z) {
    double[] p = new double[z.length];
    for (int j = 0; j < z.length; j++) {
      p[j] = 1 / (1 + Math.exp(-z[j]));
    }
    return p;
  }
}
