package org.albertspark.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * {@code albert bench prep}: throughput and memory of {@code albert prep} at several multiples of
 * an input, to show that memory stays flat as the corpus grows (prep streams every partition).
 * Scale k takes the first k x {@code baseReviews} reviews (distinct text, no copies, so tokenizer
 * caches cannot flatter larger scales). Each scale runs {@code albert prep} in its own JVM with the
 * same fixed heap, under /usr/bin/time for its max RSS.
 */
public final class PrepBenchmark implements Benchmark {

  /**
   * What to run: the reviews TSV (.gz allowed, header row first), the SentencePiece model, the
   * scales, the heap of each prep JVM (-Xmx value), extra prep flags.
   */
  public record Options(
      Path reviews,
      Path spmModel,
      int baseReviews,
      List<Integer> scales,
      Path workDir,
      String heap,
      List<String> prepFlags) {}

  private static final Pattern PEAK_HEAP = Pattern.compile("peak JVM heap (\\d+) MB");

  private final Options o;

  public PrepBenchmark(Options options) {
    this.o = options;
  }

  @Override
  public BenchReport run(PrintWriter progress) throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    BenchReport.Builder report =
        BenchReport.builder()
            .context(
                String.format(
                    "input: first k x %,d reviews of %s; %d cores; prep flags %s",
                    o.baseReviews(), o.reviews(), cores, String.join(" ", o.prepFlags())))
            .column("scale", "scale", "%dx")
            .column("input_mb", "input MB", "%.1f")
            .column("documents", "documents", "%d")
            .column("tokens", "tokens", "%d")
            .column("instances", "instances", "%d")
            .column("wall_s", "wall s", "%.1f")
            .column("prep_s", "prep s", "%.1f")
            .column("mb_per_s_per_core", "MB/s/core", "%.2f")
            .column("tokens_per_s_per_core", "tokens/s/core", "%.0f")
            .column("peak_heap_mb", "peak heap MB (-Xmx" + o.heap() + ")", "%d")
            .column("max_rss_mb", "max RSS MB", "%d");
    Files.createDirectories(o.workDir());
    for (int k : o.scales()) {
      progress.printf("scale %dx: %,d reviews ...%n", k, k * (long) o.baseReviews());
      progress.flush();
      Path in = o.workDir().resolve("in-" + k);
      Path out = o.workDir().resolve("out-" + k);
      deleteRecursively(in);
      deleteRecursively(out);
      Files.createDirectories(in);
      writeFirstReviews(in.resolve("reviews.tsv"), k * (long) o.baseReviews());
      Path rss = o.workDir().resolve("rss-" + k);
      Path log = o.workDir().resolve("out-" + k + ".log");
      Path err = o.workDir().resolve("err-" + k + ".log");
      List<String> cmd =
          new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
      cmd.addAll(javaCommand());
      cmd.addAll(
          List.of(
              "prep",
              "--input",
              in.toString(),
              "--format",
              "tsv",
              "--spm-model",
              o.spmModel().toString(),
              "--output",
              out.toString(),
              "--quiet"));
      cmd.addAll(o.prepFlags());
      long t0 = System.nanoTime();
      Process p =
          new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectError(err.toFile()).start();
      int code = p.waitFor();
      double wall = (System.nanoTime() - t0) / 1e9;
      if (code != 0) {
        throw new IllegalStateException("albert prep failed at scale " + k + ": see " + err);
      }
      JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
      long bytes = m.path("input").path("bytes").asLong();
      long tokens = m.path("tokens").path("in_used_documents").asLong();
      double prep = m.path("timing_seconds").path("total").asDouble();
      Matcher heap = PEAK_HEAP.matcher(Files.readString(log));
      report.row(
          k,
          bytes / 1e6,
          m.path("documents").path("in").asLong(),
          tokens,
          m.path("instances").path("total").asLong(),
          wall,
          prep,
          bytes / 1e6 / prep / cores,
          tokens / prep / cores,
          heap.find() ? Long.parseLong(heap.group(1)) : null,
          Long.parseLong(Files.readString(rss).trim()) / 1024);
    }
    return report.build();
  }

  /**
   * This JVM's java, module opens and classpath, with the benchmark's fixed heap in place of this
   * JVM's, running the albert command line.
   */
  private List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-Xmx") && !a.startsWith("-XX:MaxRAMPercentage")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx" + o.heap());
    cmd.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"), "org.albertspark.jobs.cli.AlbertCli"));
    return cmd;
  }

  /** The header row and the first {@code n} reviews of the input. */
  private void writeFirstReviews(Path file, long n) throws IOException {
    try (InputStream raw = Files.newInputStream(o.reviews());
        InputStream in =
            o.reviews().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      String line;
      for (long i = 0; i <= n && (line = r.readLine()) != null; i++) {
        w.write(line);
        w.write('\n');
      }
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
