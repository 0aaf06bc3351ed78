package org.albertspark.jobs.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;

/**
 * {@code albert bench tokenizer}: characters/s of our SentencePiece encoder on one thread, against
 * {@code spm_encode} (C++) on the same lines in the same run, and whether both give identical ids.
 */
public final class TokenizerBenchmark implements Benchmark {

  /**
   * What to run: {@code column} is the 1-based TSV column (for .tsv/.tsv.gz inputs), {@code albert}
   * also times ALBERT's full tokenization.
   */
  public record Options(
      Path model,
      Path input,
      int column,
      long maxChars,
      int repeat,
      String spmEncode,
      boolean albert) {}

  private final Options o;

  public TokenizerBenchmark(Options options) {
    this.o = options;
  }

  @Override
  public BenchReport run(PrintWriter progress) throws Exception {
    int repeat = Math.max(1, o.repeat());
    SentencePieceModel sp = SentencePieceModel.load(o.model());
    List<String> lines = readLines(o.input(), o.column(), o.maxChars());
    long chars = 0;
    long bytes = 0;
    for (String l : lines) {
      chars += l.codePointCount(0, l.length());
      bytes += l.getBytes(StandardCharsets.UTF_8).length;
    }
    BenchReport.Builder report =
        BenchReport.builder()
            .context(String.format("model:  %s (%d pieces)", o.model(), sp.size()))
            .context(
                String.format(
                    "input:  %s: %,d lines, %,d characters, %,d UTF-8 bytes",
                    o.input(), lines.size(), chars, bytes))
            .context(
                String.format(
                    "java:   %s %s, one thread",
                    System.getProperty("java.vm.name"), System.getProperty("java.version")))
            .column("name", "encoder", "%s")
            .column("chars_per_s", "chars/s", "%,.0f")
            .column("seconds", "seconds (best)", "%.3f")
            .column("startup_seconds", "start-up s", "%.3f")
            .column("pieces", "pieces", "%,d")
            .column("passes", "passes", "%d");

    progress.println("timing ours (warm-up, then best of " + repeat + ") ...");
    progress.flush();
    int[][] ours = new int[lines.size()][];
    for (int i = 0; i < lines.size(); i++) {
      ours[i] = sp.encodeAsIds(lines.get(i)); // warm-up
    }
    long best = Long.MAX_VALUE;
    long pieces = 0;
    for (int r = 0; r < repeat; r++) {
      long t0 = System.nanoTime();
      long p = 0;
      for (String l : lines) {
        p += sp.encodeAsIds(l).length;
      }
      best = Math.min(best, System.nanoTime() - t0);
      pieces = p;
    }
    double oursCps = chars / (best / 1e9);
    report.row("ours", oursCps, best / 1e9, null, pieces, repeat);

    if (o.albert()) {
      progress.println("timing ours ALBERT (preprocess + _tokenize) ...");
      progress.flush();
      AlbertTokenizer tok = new AlbertTokenizer(sp);
      for (String l : lines) {
        tok.tokenizeToIds(l);
      }
      long ab = Long.MAX_VALUE;
      for (int r = 0; r < repeat; r++) {
        long t0 = System.nanoTime();
        for (String l : lines) {
          tok.tokenizeToIds(l);
        }
        ab = Math.min(ab, System.nanoTime() - t0);
      }
      report.row("ours ALBERT", chars / (ab / 1e9), ab / 1e9, null, null, repeat);
    }

    Path dir = Files.createTempDirectory("albert-bench-tok");
    try {
      Path text = dir.resolve("input.txt");
      Path empty = dir.resolve("empty.txt");
      Path ids = dir.resolve("ids.txt");
      Files.write(text, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
      Files.write(empty, new byte[0]);
      progress.println("timing " + o.spmEncode() + " (start-up on an empty input, then the lines)");
      progress.flush();
      long startup = Long.MAX_VALUE;
      try {
        for (int r = 0; r < 2; r++) {
          startup = Math.min(startup, runSpm(empty, ids));
        }
      } catch (IOException e) {
        return report
            .summary("spm_encode: NOT AVAILABLE (" + e.getMessage() + ").")
            .summary(
                "  Install it with: apt-get install sentencepiece   (or pass --spm-encode PATH).")
            .summary("  No comparison made.")
            .build();
      }
      long spmBest = Long.MAX_VALUE;
      for (int r = 0; r < repeat; r++) {
        spmBest = Math.min(spmBest, runSpm(text, ids));
      }
      long spmAdj = Math.max(1, spmBest - startup);
      double spmCps = chars / (spmBest / 1e9);
      double spmAdjCps = chars / (spmAdj / 1e9);
      report.row("spm_encode", spmCps, spmBest / 1e9, startup / 1e9, null, repeat);
      report.row("spm_encode start-up subtracted", spmAdjCps, spmAdj / 1e9, null, null, repeat);
      report.summary(
          String.format(
              "ratio ours/spm_encode: %.2fx (wall)   %.2fx (start-up subtracted)",
              oursCps / spmCps, oursCps / spmAdjCps));
      List<String> spmLines = Files.readAllLines(ids, StandardCharsets.UTF_8);
      int same = 0;
      int firstDiff = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (i < spmLines.size() && spmLines.get(i).equals(join(ours[i]))) {
          same++;
        } else if (firstDiff < 0) {
          firstDiff = i;
        }
      }
      report.summary(
          String.format(
              "identical ids: %,d / %,d lines%s",
              same,
              lines.size(),
              firstDiff < 0 ? "" : " (first difference at line " + firstDiff + ")"));
      if (same != lines.size() || spmLines.size() != lines.size()) {
        report.failed();
      }
      return report.build();
    } finally {
      try (var s = Files.list(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** Wall time of spm_encode reading {@code in}, writing ids to {@code outFile}. */
  private long runSpm(Path in, Path outFile) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(o.spmEncode(), "--model=" + o.model(), "--output_format=id")
            .redirectInput(in.toFile())
            .redirectOutput(outFile.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(o.spmEncode() + " timed out");
    }
    long dt = System.nanoTime() - t0;
    if (p.exitValue() != 0) {
      throw new IOException(o.spmEncode() + " exited with status " + p.exitValue());
    }
    return dt;
  }

  private static String join(int[] ids) {
    StringBuilder sb = new StringBuilder(ids.length * 6);
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(ids[i]);
    }
    return sb.toString();
  }

  /**
   * The input's lines (ending at '\n' only, as spm_encode reads them: '\r' stays in the line) up to
   * {@code maxChars}; for .tsv/.tsv.gz the header is skipped and {@code column} (1-based) taken.
   * Both implementations get exactly these lines.
   */
  static List<String> readLines(Path file, int column, long maxChars) throws IOException {
    String name = file.getFileName().toString();
    boolean gz = name.endsWith(".gz");
    boolean tsv = name.endsWith(".tsv") || name.endsWith(".tsv.gz");
    List<String> out = new ArrayList<>();
    long chars = 0;
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw;
        BufferedReader r =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      boolean header = tsv;
      StringBuilder sb = new StringBuilder();
      int c;
      boolean more = true;
      while (more && chars < maxChars) {
        sb.setLength(0);
        while ((c = r.read()) >= 0 && c != '\n') {
          sb.append((char) c);
        }
        if (c < 0) {
          more = false;
          if (sb.length() == 0) {
            break;
          }
        }
        if (header) {
          header = false;
          continue;
        }
        String text = sb.toString();
        if (tsv) {
          String[] cols = text.split("\t", -1);
          if (cols.length < column) {
            continue;
          }
          text = cols[column - 1];
        }
        out.add(text);
        chars += text.length();
      }
    }
    return out;
  }
}
