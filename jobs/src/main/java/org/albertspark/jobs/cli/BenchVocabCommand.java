package org.albertspark.jobs.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.albertspark.jobs.bench.VocabBenchmark;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code albert bench vocab}: {@code albert train-vocab} against spm_train, side by side. */
@Command(
    name = "vocab",
    description = {
      "Train a unigram vocabulary with ALBERT's settings twice on the same ALBERT-preprocessed lines "
          + "of each corpus: ours (train-vocab's job, on this Spark session) and spm_train (Debian/Ubuntu "
          + "package 'sentencepiece'). One row per corpus: tokens per character on held-out text (Java "
          + "tokenizer; 'spm_encode agrees' checks spm_encode gives the same token counts), wall time, "
          + "memory (ours: peak heap of the driver JVM, which in local mode also runs the executors; "
          + "spm_train: max RSS from /usr/bin/time), and train-vocab's own counting/training figures.",
      "Corpora come from the shared data directory (system property albert.shared.dir, environment "
          + "ALBERT_SHARED_DIR, or ../shared): gutenberg = eleven Gutenberg books, held out Macbeth and "
          + "Leaves of Grass; imdb_unsup_25k/50k = the first 25k/50k IMDB unsup reviews, held out the IMDB "
          + "test reviews. Needs spm_train, spm_encode and /usr/bin/time (apt-get install sentencepiece "
          + "time); give the JVM room (ALBERT_JAVA_OPTS=-Xmx8g)."
    })
public final class BenchVocabCommand implements Callable<Integer> {

  /** The corpora of the benchmark, under the shared data directory. */
  public enum Corpus {
    gutenberg,
    imdb_unsup_25k,
    imdb_unsup_50k
  }

  private static final List<String> GUTENBERG_TRAIN =
      List.of(
          "austen-emma",
          "austen-persuasion",
          "austen-sense",
          "blake-poems",
          "chesterton-ball",
          "chesterton-brown",
          "chesterton-thursday",
          "melville-moby_dick",
          "milton-paradise",
          "shakespeare-caesar",
          "shakespeare-hamlet");
  private static final List<String> GUTENBERG_HELDOUT =
      List.of("shakespeare-macbeth", "whitman-leaves");

  @Option(
      names = "--corpus",
      split = ",",
      paramLabel = "NAME",
      defaultValue = "gutenberg,imdb_unsup_25k,imdb_unsup_50k",
      description = "Corpora to run: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  List<Corpus> corpora;

  @Option(
      names = "--gutenberg-vocab-size",
      defaultValue = "8000",
      paramLabel = "N",
      description = "Vocabulary size for gutenberg (default: ${DEFAULT-VALUE}).")
  int gutenbergVocab;

  @Option(
      names = "--imdb-vocab-size",
      defaultValue = "30000",
      paramLabel = "N",
      description = "Vocabulary size for the IMDB corpora (default: ${DEFAULT-VALUE}).")
  int imdbVocab;

  @Option(
      names = "--work-dir",
      defaultValue = "work-out/bench-vocab",
      paramLabel = "DIR",
      description =
          "Scratch directory for the training lines, models and logs (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Mixin SparkOptions sparkOptions;

  @Mixin BenchOutput benchOutput;

  @Override
  public Integer call() throws Exception {
    for (String tool : List.of("spm_train", "spm_encode", "/usr/bin/time")) {
      if (!onPath(tool)) {
        throw new UsageException("missing " + tool + " (apt-get install sentencepiece time)");
      }
    }
    Path shared = BenchCommand.sharedDir();
    Path gutenberg = shared.resolve("datasets/gutenberg");
    Path imdb = shared.resolve("datasets/imdb");
    List<VocabBenchmark.Corpus> runs = new ArrayList<>();
    for (Corpus c : corpora) {
      runs.add(
          switch (c) {
            case gutenberg ->
                new VocabBenchmark.Corpus(
                    "gutenberg",
                    gutenbergVocab,
                    100_000_000,
                    books(gutenberg, GUTENBERG_TRAIN),
                    books(gutenberg, GUTENBERG_HELDOUT));
            case imdb_unsup_25k, imdb_unsup_50k ->
                new VocabBenchmark.Corpus(
                    c == Corpus.imdb_unsup_25k ? "imdb-unsup-25k" : "imdb-unsup-50k",
                    imdbVocab,
                    c == Corpus.imdb_unsup_25k ? 25_000 : 50_000,
                    imdb.resolve("unsup.tsv.gz") + ":1",
                    imdb.resolve("test.tsv.gz") + ":3");
          });
    }
    for (VocabBenchmark.Corpus c : runs) {
      for (String f : (c.train() + "," + c.heldout()).split(",")) {
        Path file = Path.of(f.replaceFirst(":\\d+$", ""));
        if (!Files.isRegularFile(file)) {
          throw new UsageException(
              file + " not found: the corpora live in the shared data directory (" + shared + ")");
        }
      }
    }
    try (SparkSession spark = sparkOptions.session("albert bench vocab")) {
      return benchOutput.run(new VocabBenchmark(spark, runs, workDir));
    }
  }

  private static String books(Path dir, List<String> names) {
    return names.stream()
        .map(n -> dir.resolve(n + ".txt").toString())
        .collect(Collectors.joining(","));
  }

  private static boolean onPath(String tool) {
    if (tool.contains("/")) {
      return Files.isExecutable(Path.of(tool));
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }
}
