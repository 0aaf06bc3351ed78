package org.albertspark.jobs.bench;

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
import org.albertspark.vocab.TextPipeline;
import org.albertspark.vocab.UnigramTrainerOptions;
import org.albertspark.vocab.VocabTrainingJob;
import org.apache.spark.sql.SparkSession;

/**
 * {@code albert bench vocab}: quality of {@code albert train-vocab} against {@code spm_train}. For
 * each corpus both train a unigram model of the same size with ALBERT's settings on the same
 * ALBERT-preprocessed lines; a row reports tokens per character on held-out text (encoded by the
 * Java tokenizer; "spm_encode agrees" checks spm_encode gives the same token counts), wall time,
 * and memory (ours: peak heap of the driver JVM, which in local mode also runs the executors;
 * spm_train: max RSS from /usr/bin/time).
 */
public final class VocabBenchmark implements Benchmark {

  /**
   * A corpus to train on: comma-separated files, where "file.tsv.gz:N" takes 0-based column N and
   * skips the header row; at most {@code maxTrainLines} training lines.
   */
  public record Corpus(
      String name, int vocabSize, long maxTrainLines, String train, String heldout) {}

  private final SparkSession spark;
  private final List<Corpus> corpora;
  private final Path work;

  public VocabBenchmark(SparkSession spark, List<Corpus> corpora, Path workDir) {
    this.spark = spark;
    this.corpora = corpora;
    this.work = workDir;
  }

  @Override
  public BenchReport run(PrintWriter progress) throws Exception {
    Files.createDirectories(work);
    BenchReport.Builder report =
        BenchReport.builder()
            .context("work directory: " + work)
            .column("corpus", "corpus", "%s")
            .column("vocab", "vocab", "%,d")
            .column("train_sentences", "train sentences", "%,d")
            .column("heldout_chars", "held-out chars", "%,d")
            .column("tokens_per_char_ours", "tokens/char ours", "%.5f")
            .column("tokens_per_char_spm", "tokens/char spm_train", "%.5f")
            .column("ours_vs_spm_pct", "ours vs spm", "%+.2f%%")
            .column("spm_encode_agrees", "spm_encode agrees", "%s")
            .column("ours_wall_s", "ours wall", "%.1f s")
            .column("spm_wall_s", "spm_train wall", "%.1f s")
            .column("ours_peak_heap_mb", "ours driver peak heap", "%,d MB")
            .column("spm_max_rss_mb", "spm_train max RSS", "%,d MB")
            .column("train_bytes", "train bytes", "%,d")
            .column("count_s", "count s", "%.1f")
            .column("train_s", "train s", "%.1f")
            .column("words", "words", "%,d")
            .column("distinct", "distinct", "%,d");
    for (Corpus c : corpora) {
      progress.println("corpus " + c.name() + ": vocabulary of " + c.vocabSize() + " ...");
      progress.flush();
      measure(c, report, progress);
    }
    return report.build();
  }

  private void measure(Corpus corpus, BenchReport.Builder report, PrintWriter progress)
      throws Exception {
    String name = corpus.name();
    int vocab = corpus.vocabSize();
    UnigramTrainerOptions opts = UnigramTrainerOptions.builder().vocabSize(vocab).build();
    TextPipeline tp = new TextPipeline(true, opts);
    Path train = work.resolve(name + ".train.txt");
    Path held = work.resolve(name + ".heldout.txt");
    long trainBytes = prepare(corpus.train(), train, tp, corpus.maxTrainLines());
    prepare(corpus.heldout(), held, tp, Long.MAX_VALUE);

    // Ours (ALBERT preprocessing on: idempotent on these lines).
    Path ours = work.resolve(name + ".ours.model");
    long t0 = System.nanoTime();
    VocabTrainingJob.Result r =
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
            m -> {
              progress.println("  " + m);
              progress.flush();
            });
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
    report.row(
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
        spmRss >> 20,
        trainBytes,
        rep.countSeconds(),
        rep.trainSeconds(),
        rep.wordOccurrences(),
        rep.distinctFragments());
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
