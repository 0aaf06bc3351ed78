package org.albertspark.jobs.score;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.albertspark.jobs.bench.BenchReport;
import org.albertspark.jobs.bench.Benchmark;
import org.albertspark.jobs.bench.ModelBenchmark;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.kernels.Blas;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;

/**
 * Documents per second per core of one scoring thread (what an executor core does) on real
 * documents, with each {@link BatchPolicy}: the same engine, model, documents and token budget,
 * only the batching differs. The policies take turns on rounds of {@link #ROUND_DOCS} documents
 * (their order rotating), so a change of machine load during the run falls on every policy alike.
 * Before timing, the whole file is tokenized and batched without forward passes: the exact tokens
 * (and attention cells) padding to the maximum and bucketing would compute, whose ratio bounds the
 * speed-up bucketing can give at all.
 */
public final class ScoreBenchmark implements Benchmark {

  /** Documents per round: every policy scores a round before the next round starts. */
  static final int ROUND_DOCS = 32;

  /**
   * @param documents a TSV with a header and the text in its last column (gzip if named .gz)
   * @param docs how many documents to sample and time (seeded, so the length distribution is the
   *     file's)
   * @param shape model shape (random weights, two labels)
   */
  public record Options(
      Path documents,
      int docs,
      Path spmModel,
      AlbertConfig shape,
      int maxSeqLength,
      int stride,
      int batchTokens,
      List<BatchPolicy> policies,
      long seed) {}

  /** One policy's measurement. */
  public record Result(
      BatchPolicy policy,
      int docs,
      double seconds,
      double docsPerSecondPerCore,
      long windows,
      long tokens,
      long paddedTokens,
      long batches,
      long workspaceMb) {}

  /**
   * What padding to the maximum and bucketing compute over every document of the file.
   *
   * @param docs documents in the file
   * @param windows their windows
   * @param tokens real tokens of the windows
   * @param bucketed the bucketed plan (padded tokens, attention cells Σ rows × length²)
   * @param flopsPerPaddedToken per layer: the linear layers' 2·(4H² + 2HI)
   * @param flopsPerAttentionCell per layer: Q·Kᵀ and P·V, 4H
   */
  record Bound(
      int docs,
      long windows,
      long tokens,
      DocumentScorer.Stats bucketed,
      int maxLength,
      double flopsPerPaddedToken,
      double flopsPerAttentionCell) {

    long padToMaxTokens() {
      return windows * maxLength;
    }

    /** pad-to-max tokens / bucketed tokens: bucketing's gain if time were linear in tokens. */
    double tokenRatio() {
      return (double) padToMaxTokens() / bucketed.paddedTokens();
    }

    /** pad-to-max tokens / real tokens: the gain of removing every padding token. */
    double noPaddingRatio() {
      return (double) padToMaxTokens() / tokens;
    }

    /** The same with attention's quadratic cost counted: pad-to-max FLOPs / bucketed FLOPs. */
    double flopRatio() {
      double pad =
          padToMaxTokens() * flopsPerPaddedToken
              + (double) windows * maxLength * maxLength * flopsPerAttentionCell;
      double bucket =
          bucketed.paddedTokens() * flopsPerPaddedToken
              + bucketed.attentionCells() * flopsPerAttentionCell;
      return pad / bucket;
    }
  }

  private final Options options;

  public ScoreBenchmark(Options options) {
    this.options = options;
  }

  @Override
  public BenchReport run(PrintWriter progress) throws IOException {
    List<String> all = readTexts(options.documents());
    LoadedClassifier classifier = classifier(options);
    ScoringOptions scoring = scoringOptions(options);
    progress.printf(
        "%,d documents in %s: tokenizing and batching all%n", all.size(), options.documents());
    progress.flush();
    Bound bound = bound(classifier, scoring, all);
    List<Result> results = measure(options, classifier, scoring, all, progress);
    double base =
        results.stream()
            .filter(r -> r.policy() == BatchPolicy.PAD_TO_MAX)
            .mapToDouble(Result::docsPerSecondPerCore)
            .findFirst()
            .orElse(0);
    BenchReport.Builder b =
        BenchReport.builder()
            .context(
                String.format(
                    "%d documents of %s, windows of %d tokens (stride %d), %d-token budget, %d"
                        + " thread(s) per forward pass, policies interleaved in rounds of %d"
                        + " documents; process peak RSS %d MB",
                    results.isEmpty() ? 0 : results.get(0).docs(),
                    options.documents(),
                    options.maxSeqLength(),
                    options.stride(),
                    options.batchTokens(),
                    Blas.THREADS,
                    ROUND_DOCS,
                    ModelBenchmark.peakRssMb()))
            .context(
                String.format(
                    "Bound over all %,d documents (%,d windows, %,d real tokens): pad_to_max"
                        + " computes %,d tokens, bucketed %,d: bucketing can be at most %.2fx"
                        + " pad_to_max in tokens (%.2fx with attention's T² counted; %.2fx if no"
                        + " padding at all)",
                    bound.docs(),
                    bound.windows(),
                    bound.tokens(),
                    bound.padToMaxTokens(),
                    bound.bucketed().paddedTokens(),
                    bound.tokenRatio(),
                    bound.flopRatio(),
                    bound.noPaddingRatio()))
            .column("policy", "policy", v -> (String) v)
            .column("docs", "docs", "%d")
            .column("seconds", "seconds", "%.1f")
            .column("docs_per_s_per_core", "docs/s/core", "%.3f")
            .column("speedup_vs_pad_to_max", "vs pad_to_max", "%.2fx")
            .column("windows", "windows", "%d")
            .column("padding_overhead", "padded/real", "%.2f")
            .column("batches", "batches", "%d")
            .column("workspace_mb", "workspace MB", "%d");
    for (Result r : results) {
      b.row(
          r.policy().name().toLowerCase(java.util.Locale.ROOT),
          r.docs(),
          r.seconds(),
          r.docsPerSecondPerCore(),
          base > 0 ? r.docsPerSecondPerCore() / base : null,
          r.windows(),
          (double) r.paddedTokens() / r.tokens(),
          r.batches(),
          r.workspaceMb());
    }
    return b.build();
  }

  private static LoadedClassifier classifier(Options o) throws IOException {
    AlbertConfig config = o.shape().forSequenceClassification(List.of("negative", "positive"));
    AlbertModel model = AlbertModel.initialize(config, Head.SEQUENCE_CLASSIFICATION, o.seed());
    return new LoadedClassifier(model, new AlbertTokenizer(SentencePieceModel.load(o.spmModel())));
  }

  private static ScoringOptions scoringOptions(Options o) {
    return new ScoringOptions(
        o.maxSeqLength(), o.stride(), Aggregation.MEAN, o.batchTokens(), 0.5, 0);
  }

  /** Tokenizes and batches every text (no forward pass): the tokens each policy would compute. */
  static Bound bound(LoadedClassifier c, ScoringOptions o, List<String> texts) {
    DocumentScorer.Stats bucketed =
        new DocumentScorer(c, o, BatchPolicy.BUCKETED).plan(texts.iterator());
    AlbertConfig config = c.model().config();
    double h = config.hiddenSize(), inter = config.intermediateSize();
    return new Bound(
        texts.size(),
        bucketed.windows(),
        bucketed.tokens(),
        bucketed,
        o.windowLength(config),
        2 * (4 * h * h + 2 * h * inter),
        4 * h);
  }

  static List<Result> measure(
      Options o,
      LoadedClassifier classifier,
      ScoringOptions options,
      List<String> all,
      PrintWriter log) {
    List<String> texts = sample(all, o.docs(), o.seed());
    log.printf(
        "timing %d sampled documents, %d threads per forward pass; warming up%n",
        texts.size(), Blas.THREADS);
    log.flush();
    score(
        new DocumentScorer(classifier, options, BatchPolicy.BUCKETED),
        texts.subList(0, Math.min(8, texts.size())));
    List<BatchPolicy> policies = o.policies();
    Map<BatchPolicy, DocumentScorer> scorers = new EnumMap<>(BatchPolicy.class);
    Map<BatchPolicy, Long> nanos = new EnumMap<>(BatchPolicy.class);
    for (BatchPolicy p : policies) {
      scorers.put(p, new DocumentScorer(classifier, options, p));
      nanos.put(p, 0L);
    }
    int rounds = (texts.size() + ROUND_DOCS - 1) / ROUND_DOCS;
    for (int round = 0; round < rounds; round++) {
      List<String> chunk =
          texts.subList(round * ROUND_DOCS, Math.min(texts.size(), (round + 1) * ROUND_DOCS));
      StringBuilder line = new StringBuilder("round " + (round + 1) + "/" + rounds + ":");
      for (int i = 0; i < policies.size(); i++) {
        BatchPolicy p = policies.get((round + i) % policies.size());
        long t0 = System.nanoTime();
        score(scorers.get(p), chunk);
        nanos.merge(p, System.nanoTime() - t0, Long::sum);
      }
      long padNanos = nanos.getOrDefault(BatchPolicy.PAD_TO_MAX, 0L);
      for (BatchPolicy p : policies) {
        line.append(String.format(" %s %.1f s", p, nanos.get(p) / 1e9));
        if (padNanos > 0) {
          line.append(String.format(" (%.2fx)", (double) padNanos / nanos.get(p)));
        }
        line.append(';');
      }
      log.println(line);
      log.flush();
    }
    List<Result> results = new ArrayList<>();
    for (BatchPolicy p : policies) {
      double s = nanos.get(p) / 1e9;
      DocumentScorer.Stats st = scorers.get(p).stats();
      results.add(
          new Result(
              p,
              texts.size(),
              s,
              texts.size() / s / Blas.THREADS,
              st.windows(),
              st.tokens(),
              st.paddedTokens(),
              st.batches(),
              scorers.get(p).workspaceBytes() >> 20));
    }
    return results;
  }

  private static void score(DocumentScorer scorer, List<String> texts) {
    var it = scorer.score(texts.iterator(), t -> t);
    while (it.hasNext()) {
      if (it.next().result().error() != null) {
        throw new IllegalStateException("a benchmark document failed to score");
      }
    }
  }

  /** The file's texts (last TSV column), in file order. */
  static List<String> readTexts(Path file) throws IOException {
    List<String> all = new ArrayList<>();
    var raw = Files.newInputStream(file);
    var in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      r.readLine(); // header
      for (String line; (line = r.readLine()) != null; ) {
        all.add(line.substring(line.lastIndexOf('\t') + 1));
      }
    }
    return all;
  }

  /** A seeded sample of {@code all}, in its order. */
  static List<String> sample(List<String> all, int n, long seed) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, new Random(seed));
    List<Integer> chosen = new ArrayList<>(idx.subList(0, Math.min(n, idx.size())));
    Collections.sort(chosen);
    return chosen.stream().map(all::get).toList();
  }
}
