package org.albertspark.vocab;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.albertspark.prep.corpus.CorpusFormat;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.spark.sql.SparkSession;

/**
 * Quality benchmark of {@code albert train-vocab} against {@code spm_train}: both train a unigram
 * model of the same size with ALBERT's settings on the same ALBERT-preprocessed lines; the table
 * reports tokens per character on held-out text (encoded by the Java tokenizer and by spm_encode),
 * training time and memory. Run by {@code submit-scripts/bench-vocab.sh}.
 *
 * <pre>
 * VocabBenchmark NAME WORKDIR VOCAB_SIZE MAX_TRAIN_LINES TRAIN_SPEC HELDOUT_SPEC
 *   *_SPEC = comma-separated files; "file.tsv.gz:N" takes 0-based column N and skips the header row.
 * </pre>
 */
public final class VocabBenchmark {
  private VocabBenchmark() {}

  public static void main(String[] a) throws Exception {
    if (a.length != 6) {
      System.err.println(
          "usage: VocabBenchmark NAME WORKDIR VOCAB_SIZE MAX_TRAIN_LINES TRAIN_SPEC HELDOUT_SPEC");
      System.exit(2);
    }
    String name = a[0];
    Path work = Path.of(a[1]);
    int vocab = Integer.parseInt(a[2]);
    long maxLines = Long.parseLong(a[3]);
    Files.createDirectories(work);
    UnigramTrainerOptions opts = UnigramTrainerOptions.builder().vocabSize(vocab).build();
    TextPipeline tp = new TextPipeline(true, opts);
    Path train = work.resolve(name + ".train.txt");
    Path held = work.resolve(name + ".heldout.txt");
    long trainBytes = prepare(a[4], train, tp, maxLines);
    prepare(a[5], held, tp, Long.MAX_VALUE);

    // Ours (Spark local[*], ALBERT preprocessing on: idempotent on these lines).
    Path ours = work.resolve(name + ".ours.model");
    SparkSession spark =
        SparkSession.builder()
            .master("local[*]")
            .appName("bench-vocab")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    long t0 = System.nanoTime();
    VocabTrainingJob.Result r;
    try {
      r =
          VocabTrainingJob.run(
              spark,
              new VocabTrainingJob.Settings(
                  List.of(train.toString()),
                  CorpusFormat.TEXT,
                  "text",
                  ours.toString(),
                  opts,
                  true,
                  2_000_000,
                  1.0,
                  12345,
                  0,
                  true),
              m -> System.err.println("  " + m));
    } finally {
      spark.stop();
    }
    double oursSecs = (System.nanoTime() - t0) / 1e9;

    // spm_train with ALBERT's flags on the same lines.
    Path spmPrefix = work.resolve(name + ".spm");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/bin/time",
                "-f",
                "MAXRSS_KB=%M",
                "spm_train",
                "--input=" + train,
                "--model_prefix=" + spmPrefix,
                "--vocab_size=" + vocab,
                "--pad_id=0",
                "--unk_id=1",
                "--eos_id=-1",
                "--bos_id=-1",
                "--control_symbols=[CLS],[SEP],[MASK]",
                "--user_defined_symbols=(,),\"\"\"\",-,.,\u2013,\u00a3,\u20ac",
                "--character_coverage=0.99995",
                "--model_type=unigram",
                "--input_sentence_size=100000000",
                "--max_sentence_length=1000000",
                "--num_threads=" + Runtime.getRuntime().availableProcessors()));
    long t1 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".spm.log").toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("spm_train failed: see " + work.resolve(name + ".spm.log"));
    }
    double spmSecs = (System.nanoTime() - t1) / 1e9;
    String spmLog = Files.readString(work.resolve(name + ".spm.log"));
    long spmRss = 0;
    int i = spmLog.lastIndexOf("MAXRSS_KB=");
    if (i >= 0) {
      spmRss = Long.parseLong(spmLog.substring(i + 10).trim()) * 1024;
    }
    Path spmModel = Path.of(spmPrefix + ".model");

    List<String> lines = Files.readAllLines(held, StandardCharsets.UTF_8);
    long chars = 0;
    for (String l : lines) chars += l.codePointCount(0, l.length());
    long oursJava = tokens(SentencePieceModel.load(ours), lines);
    long spmJava = tokens(SentencePieceModel.load(spmModel), lines);
    long oursSpm = spmEncodeTokens(ours, held);
    long spmSpm = spmEncodeTokens(spmModel, held);
    double tpcOurs = (double) oursJava / chars;
    double tpcSpm = (double) spmJava / chars;
    var rep = r.report();
    System.out.printf(
        "| %s | %,d | %,d | %,d | %.5f | %.5f | %+.2f%% | %s | %.1f s | %.1f s | %,d MB | %,d MB |%n",
        name,
        vocab,
        rep.sentences(),
        chars,
        tpcOurs,
        tpcSpm,
        100 * (tpcOurs / tpcSpm - 1),
        (oursJava == oursSpm && spmJava == spmSpm) ? "yes" : ("NO " + oursSpm + "/" + spmSpm),
        oursSecs,
        spmSecs,
        rep.driverPeakHeapBytes() >> 20,
        spmRss >> 20);
    System.out.printf(
        "BENCH %s train_bytes=%d count_s=%.1f train_s=%.1f words=%d distinct=%d peak_heap_mb=%d%n",
        name,
        trainBytes,
        rep.countSeconds(),
        rep.trainSeconds(),
        rep.wordOccurrences(),
        rep.distinctFragments(),
        rep.driverPeakHeapBytes() >> 20);
  }

  static long tokens(SentencePieceModel m, List<String> lines) {
    long t = 0;
    for (String l : lines) t += m.encodeAsIds(l).length;
    return t;
  }

  static long spmEncodeTokens(Path model, Path in) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("spm_encode", "--model=" + model, "--output_format=id", "--input=" + in)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    long t = 0;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String s = line.trim();
        if (!s.isEmpty()) {
          t += s.split(" ").length;
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("spm_encode failed on " + model);
    }
    return t;
  }

  /** Writes ALBERT-preprocessed, non-empty lines; returns the bytes read. */
  static long prepare(String spec, Path out, TextPipeline tp, long maxLines) throws IOException {
    long bytes = 0;
    long n = 0;
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      for (String f : spec.split(",")) {
        int col = -1;
        int c = f.lastIndexOf(':');
        if (c > 0) {
          col = Integer.parseInt(f.substring(c + 1));
          f = f.substring(0, c);
        }
        try (InputStream raw = new FileInputStream(f);
            InputStream in = f.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          boolean header = col >= 0;
          while ((line = r.readLine()) != null && n < maxLines) {
            if (header) {
              header = false;
              continue;
            }
            if (col >= 0) {
              String[] parts = line.split("\t", -1);
              if (parts.length <= col) {
                continue;
              }
              line = parts[col].replace("<br />", " ");
            }
            bytes += line.length();
            String s = tp.preprocess(line);
            if (s.isEmpty()) {
              continue;
            }
            w.println(s);
            n++;
          }
        }
      }
    }
    return bytes;
  }
}
