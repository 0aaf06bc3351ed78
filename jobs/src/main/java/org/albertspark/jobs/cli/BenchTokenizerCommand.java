package org.albertspark.jobs.cli;

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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code albert bench tokenizer}: characters/s of our SentencePiece encoder on one thread, against
 * {@code spm_encode} (C++) on the same lines in the same run.
 */
@Command(
    name = "tokenizer",
    description = {
      "Measure the SentencePiece encoder (text -> ids) in characters/s on ONE thread, run spm_encode "
          + "(C++, Debian/Ubuntu package 'sentencepiece') on the same lines in the same run, print both "
          + "and the ratio ours/spm_encode, and check that both produce identical ids.",
      "Ours is timed in-process after a warm-up pass (best of --repeat passes over all lines). "
          + "spm_encode is timed as a process reading the lines from a file and writing ids to a file; "
          + "its start-up time (loading the model, measured on an empty input) is subtracted for the "
          + "adjusted figure.",
      "Defaults use the shared data directory (system property albert.shared.dir, environment "
          + "ALBERT_SHARED_DIR, or ../shared): the IMDB unsup reviews and the ALBERT 30k model."
    })
public final class BenchTokenizerCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--spm-model",
      paramLabel = "FILE",
      description = "SentencePiece model (default: <shared>/fixtures/tokenizer/albert-30k.model).")
  Path model;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description =
          "Text: one document per line; .gz is decompressed; for .tsv/.tsv.gz the header row "
              + "is skipped and --column is used (default: <shared>/datasets/imdb/unsup.tsv.gz).")
  Path input;

  @Option(
      names = "--column",
      defaultValue = "2",
      paramLabel = "N",
      description = "1-based TSV column holding the text (default: ${DEFAULT-VALUE}).")
  int column;

  @Option(
      names = "--max-chars",
      defaultValue = "20000000",
      paramLabel = "N",
      description = "Stop reading input after this many characters (default: ${DEFAULT-VALUE}).")
  long maxChars;

  @Option(
      names = "--repeat",
      defaultValue = "3",
      paramLabel = "N",
      description =
          "Timed passes for each implementation; the best is reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--spm-encode",
      defaultValue = "spm_encode",
      paramLabel = "PATH",
      description = "The spm_encode executable (default: ${DEFAULT-VALUE} on the PATH).")
  String spmEncode;

  @Option(
      names = "--albert",
      description = "Also time ALBERT's full tokenization (preprocess + _tokenize), ours only.")
  boolean albert;

  static Path sharedDir() {
    String p = System.getProperty("albert.shared.dir");
    if (p == null || p.isBlank()) {
      p = System.getenv("ALBERT_SHARED_DIR");
    }
    if (p == null || p.isBlank()) {
      p = "../shared";
    }
    return Path.of(p);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path shared = sharedDir();
    Path modelFile = model != null ? model : shared.resolve("fixtures/tokenizer/albert-30k.model");
    Path inputFile = input != null ? input : shared.resolve("datasets/imdb/unsup.tsv.gz");
    if (!Files.isRegularFile(modelFile) || !Files.isRegularFile(inputFile)) {
      err.println(
          "albert bench tokenizer: "
              + (!Files.isRegularFile(modelFile) ? "model " + modelFile : "input " + inputFile)
              + " not found. The defaults live in the shared data directory ("
              + shared
              + "), absent here: pass --spm-model FILE and --input FILE.");
      err.flush();
      return 2;
    }
    if (repeat < 1) {
      repeat = 1;
    }
    SentencePieceModel sp = SentencePieceModel.load(modelFile);
    List<String> lines = readLines(inputFile);
    long chars = 0;
    long bytes = 0;
    for (String l : lines) {
      chars += l.codePointCount(0, l.length());
      bytes += l.getBytes(StandardCharsets.UTF_8).length;
    }
    out.printf("model:  %s (%d pieces)%n", modelFile, sp.size());
    out.printf(
        "input:  %s: %,d lines, %,d characters, %,d UTF-8 bytes%n",
        inputFile, lines.size(), chars, bytes);
    out.printf(
        "java:   %s %s, one thread%n",
        System.getProperty("java.vm.name"), System.getProperty("java.version"));
    out.flush();

    // ---- ours
    int[][] ours = new int[lines.size()][];
    for (int i = 0; i < lines.size(); i++) {
      ours[i] = sp.encodeAsIds(lines.get(i)); // warm-up
    }
    long best = Long.MAX_VALUE;
    long pieces = 0;
    for (int r = 0; r < repeat; r++) {
      long t0 = System.nanoTime();
      long p = 0;
      for (String l : lines) p += sp.encodeAsIds(l).length;
      long dt = System.nanoTime() - t0;
      best = Math.min(best, dt);
      pieces = p;
    }
    double oursCps = chars / (best / 1e9);
    out.printf(
        "ours:        %,.0f chars/s  (%.3f s for %,d pieces, best of %d)%n",
        oursCps, best / 1e9, pieces, repeat);
    out.flush();

    if (albert) {
      AlbertTokenizer tok = new AlbertTokenizer(sp);
      for (String l : lines) tok.tokenizeToIds(l);
      long ab = Long.MAX_VALUE;
      for (int r = 0; r < repeat; r++) {
        long t0 = System.nanoTime();
        for (String l : lines) tok.tokenizeToIds(l);
        ab = Math.min(ab, System.nanoTime() - t0);
      }
      out.printf(
          "ours ALBERT: %,.0f chars/s  (preprocess + _tokenize, %.3f s)%n",
          chars / (ab / 1e9), ab / 1e9);
      out.flush();
    }

    // ---- spm_encode
    Path dir = Files.createTempDirectory("albert-bench-tok");
    try {
      Path text = dir.resolve("input.txt");
      Path empty = dir.resolve("empty.txt");
      Path ids = dir.resolve("ids.txt");
      Files.write(text, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
      Files.write(empty, new byte[0]);
      long startup;
      try {
        startup = Long.MAX_VALUE;
        for (int r = 0; r < 2; r++) {
          startup = Math.min(startup, runSpm(modelFile, empty, ids));
        }
      } catch (IOException e) {
        out.println("spm_encode: NOT AVAILABLE (" + e.getMessage() + ").");
        out.println(
            "  Install it with: apt-get install sentencepiece   (or pass --spm-encode PATH).");
        out.println("  No comparison made.");
        out.flush();
        return 0;
      }
      long spmBest = Long.MAX_VALUE;
      for (int r = 0; r < repeat; r++) {
        spmBest = Math.min(spmBest, runSpm(modelFile, text, ids));
      }
      long spmAdj = Math.max(1, spmBest - startup);
      double spmCps = chars / (spmBest / 1e9);
      double spmAdjCps = chars / (spmAdj / 1e9);
      out.printf(
          "spm_encode:  %,.0f chars/s  (%.3f s wall incl. %.3f s start-up, best of %d)%n",
          spmCps, spmBest / 1e9, startup / 1e9, repeat);
      out.printf("spm_encode:  %,.0f chars/s  start-up subtracted%n", spmAdjCps);
      out.printf(
          "ratio ours/spm_encode: %.2fx (wall)   %.2fx (start-up subtracted)%n",
          oursCps / spmCps, oursCps / spmAdjCps);
      // ---- identical output?
      List<String> spmLines = Files.readAllLines(ids, StandardCharsets.UTF_8);
      int same = 0;
      int firstDiff = -1;
      for (int i = 0; i < lines.size(); i++) {
        String mine = join(ours[i]);
        if (i < spmLines.size() && spmLines.get(i).equals(mine)) {
          same++;
        } else if (firstDiff < 0) {
          firstDiff = i;
        }
      }
      out.printf(
          "identical ids: %,d / %,d lines%s%n",
          same, lines.size(), firstDiff < 0 ? "" : " (first difference at line " + firstDiff + ")");
      out.flush();
      return same == lines.size() && spmLines.size() == lines.size() ? 0 : 3;
    } finally {
      try (var s = Files.list(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    }
  }

  private long runSpm(Path modelFile, Path in, Path outFile)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(spmEncode, "--model=" + modelFile, "--output_format=id")
            .redirectInput(in.toFile())
            .redirectOutput(outFile.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(spmEncode + " timed out");
    }
    long dt = System.nanoTime() - t0;
    if (p.exitValue() != 0) {
      throw new IOException(spmEncode + " exited with status " + p.exitValue());
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

  private List<String> readLines(Path file) throws IOException {
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
        // Lines end at '\n' only, as spm_encode reads them ('\r' stays in the line).
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
        // (Both implementations get exactly these lines: spm_encode reads them joined by '\n'.)
        out.add(text);
        chars += text.length();
      }
    }
    return out;
  }
}
