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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
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
public final class ScoreBenchmark {

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
      long peakRssMb) {

    Map<String, Object> asMap(double baseline) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", policy.name().toLowerCase(java.util.Locale.ROOT));
      m.put("docs", docs);
      m.put("seconds", round(seconds));
      m.put("docs_per_s_per_core", round(docsPerSecondPerCore));
      m.put("speedup_vs_pad_to_max", baseline > 0 ? round(docsPerSecondPerCore / baseline) : null);
      m.put("windows", windows);
      m.put("tokens", tokens);
      m.put("padded_tokens", paddedTokens);
      m.put("padding_overhead", round((double) paddedTokens / tokens));
      m.put("batches", batches);
      m.put("peak_rss_mb", peakRssMb);
      return m;
    }
  }

  private ScoreBenchmark() {}

  public static List<Result> run(Options o, PrintWriter log) throws IOException {
    List<String> texts = sample(o.documents(), o.docs(), o.seed());
    AlbertConfig config = o.shape().forSequenceClassification(List.of("negative", "positive"));
    AlbertModel model = AlbertModel.initialize(config, Head.SEQUENCE_CLASSIFICATION, o.seed());
    LoadedClassifier classifier =
        new LoadedClassifier(model, new AlbertTokenizer(SentencePieceModel.load(o.spmModel())));
    ScoringOptions options =
        new ScoringOptions(o.maxSeqLength(), o.stride(), Aggregation.MEAN, o.batchTokens(), 0.5);
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

  public static void printTable(List<Result> results, PrintWriter out) {
    double base = baseline(results);
    out.printf(
        "%-15s %6s %9s %12s %9s %9s %10s %8s %9s%n",
        "policy",
        "docs",
        "seconds",
        "docs/s/core",
        "vs pad",
        "windows",
        "pad x",
        "batches",
        "peak MB");
    for (Result r : results) {
      Map<String, Object> m = r.asMap(base);
      out.printf(
          "%-15s %6d %9.1f %12.2f %9s %9d %10.2f %8d %9d%n",
          m.get("policy"),
          r.docs(),
          r.seconds(),
          r.docsPerSecondPerCore(),
          m.get("speedup_vs_pad_to_max") == null ? "-" : m.get("speedup_vs_pad_to_max") + "x",
          r.windows(),
          (double) r.paddedTokens() / r.tokens(),
          r.batches(),
          r.peakRssMb());
    }
  }

  public static void printJson(List<Result> results, PrintWriter out) throws IOException {
    double base = baseline(results);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (Result r : results) {
      out.println(json.writeValueAsString(r.asMap(base)));
    }
  }

  private static double baseline(List<Result> results) {
    return results.stream()
        .filter(r -> r.policy() == BatchPolicy.PAD_TO_MAX)
        .mapToDouble(Result::docsPerSecondPerCore)
        .findFirst()
        .orElse(0);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
