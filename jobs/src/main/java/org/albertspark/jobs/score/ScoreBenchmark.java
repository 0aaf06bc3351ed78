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
import java.util.List;
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
 * only the batching differs. Also the padding overhead and the process's peak resident memory per
 * policy.
 */
public final class ScoreBenchmark implements Benchmark {

  /**
   * @param documents a TSV with a header and the text in its last column (gzip if named .gz)
   * @param docs how many documents to sample (seeded, so the length distribution is the file's)
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
      long peakRssMb) {}

  private final Options options;

  public ScoreBenchmark(Options options) {
    this.options = options;
  }

  @Override
  public BenchReport run(PrintWriter progress) throws IOException {
    List<Result> results = measure(options, progress);
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
                        + " thread(s) per forward pass",
                    results.isEmpty() ? 0 : results.get(0).docs(),
                    options.documents(),
                    options.maxSeqLength(),
                    options.stride(),
                    options.batchTokens(),
                    Blas.THREADS))
            .column("policy", "policy", v -> (String) v)
            .column("docs", "docs", "%d")
            .column("seconds", "seconds", "%.1f")
            .column("docs_per_s_per_core", "docs/s/core", "%.3f")
            .column("speedup_vs_pad_to_max", "vs pad_to_max", "%.2fx")
            .column("windows", "windows", "%d")
            .column("padding_overhead", "padded/real", "%.2f")
            .column("batches", "batches", "%d")
            .column("peak_rss_mb", "peak RSS MB", "%d");
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
          r.peakRssMb());
    }
    return b.build();
  }

  static List<Result> measure(Options o, PrintWriter log) throws IOException {
    List<String> texts = sample(o.documents(), o.docs(), o.seed());
    AlbertConfig config = o.shape().forSequenceClassification(List.of("negative", "positive"));
    AlbertModel model = AlbertModel.initialize(config, Head.SEQUENCE_CLASSIFICATION, o.seed());
    LoadedClassifier classifier =
        new LoadedClassifier(model, new AlbertTokenizer(SentencePieceModel.load(o.spmModel())));
    ScoringOptions options =
        new ScoringOptions(o.maxSeqLength(), o.stride(), Aggregation.MEAN, o.batchTokens(), 0.5, 0);
    log.printf(
        "%d documents from %s, %d threads per forward pass; warming up%n",
        texts.size(), o.documents(), Blas.THREADS);
    log.flush();
    score(classifier, options, BatchPolicy.BUCKETED, texts.subList(0, Math.min(8, texts.size())));
    List<Result> results = new ArrayList<>();
    for (BatchPolicy p : o.policies()) {
      System.gc();
      resetPeakRss();
      long t0 = System.nanoTime();
      DocumentScorer.Stats st = score(classifier, options, p, texts);
      double s = (System.nanoTime() - t0) / 1e9;
      Result r =
          new Result(
              p,
              texts.size(),
              s,
              texts.size() / s / Blas.THREADS,
              st.windows(),
              st.tokens(),
              st.paddedTokens(),
              st.batches(),
              ModelBenchmark.peakRssMb());
      log.printf("%s: %.1f s%n", p, s);
      log.flush();
      results.add(r);
    }
    return results;
  }

  private static DocumentScorer.Stats score(
      LoadedClassifier c, ScoringOptions o, BatchPolicy p, List<String> texts) {
    DocumentScorer scorer = new DocumentScorer(c, o, p);
    var it = scorer.score(texts.iterator(), t -> t);
    while (it.hasNext()) {
      if (it.next().result().error() != null) {
        throw new IllegalStateException("a benchmark document failed to score");
      }
    }
    return scorer.stats();
  }

  /** A seeded sample of the file's texts (last TSV column), in file order. */
  static List<String> sample(Path file, int n, long seed) throws IOException {
    List<String> all = new ArrayList<>();
    var raw = Files.newInputStream(file);
    var in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      r.readLine(); // header
      for (String line; (line = r.readLine()) != null; ) {
        all.add(line.substring(line.lastIndexOf('\t') + 1));
      }
    }
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, new Random(seed));
    List<Integer> chosen = new ArrayList<>(idx.subList(0, Math.min(n, idx.size())));
    Collections.sort(chosen);
    return chosen.stream().map(all::get).toList();
  }

  /** Resets VmHWM (Linux: "5" to /proc/self/clear_refs) so each policy reports its own peak. */
  private static void resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | UnsupportedOperationException e) {
      // not Linux: the peak is the process's so far
    }
  }
}
