package org.albertspark.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.jobs.score.BatchPolicy;
import org.albertspark.jobs.score.ScoreBenchmark;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.config.Presets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code albert bench score}: batch scoring throughput, bucketed vs padded batching. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Measure documents/s per core of the scoring engine on real documents (default: a seeded "
          + "sample of the IMDB test set), tokenization included, with three batchings of the same "
          + "windows: bucketed (albert score: sorted by length, padded to the batch's longest, batches "
          + "filled to --batch-tokens), pad_to_max (every window padded to --max-seq-length, as Spark "
          + "NLP does) and pad_each_batch (input order, batches of 32 padded to their longest, as a "
          + "HuggingFace pipeline does). Randomly initialized weights of the given shape, two labels.",
      "First tokenizes and batches every document of the file (no forward pass) and prints the "
          + "exact bound: the tokens pad_to_max computes / the tokens bucketed computes, the most "
          + "bucketing can gain (also with attention's T^2 counted, and with no padding at all).",
      "Then times --docs sampled documents; the policies take turns on rounds of 32 documents, "
          + "so load changes during the run fall on all of them. Reports, per policy: seconds, docs/s "
          + "per core, speed-up over pad_to_max, windows, padded / real tokens, forward passes and "
          + "its workspace's size; the process's peak resident memory in the header.",
      "One scoring thread, as one executor core runs it; BLAS threads = -Dalbert.threads (default 1 here)."
    })
public final class BenchScoreCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description =
          "TSV (optionally .gz) with a header row and the text in the last column (default: "
              + "datasets/imdb/test.tsv.gz in the shared data directory).")
  Path input;

  @Option(
      names = "--docs",
      defaultValue = "256",
      paramLabel = "N",
      description = "Documents to sample (default: ${DEFAULT-VALUE}).")
  int docs;

  @Option(
      names = "--spm-model",
      paramLabel = "FILE",
      description =
          "SentencePiece model (default: fixtures/tokenizer/albert-30k.model in the shared data "
              + "directory, albert-base-v2's).")
  Path spmModel;

  @Option(
      names = "--preset",
      defaultValue = "albert-base-v2",
      paramLabel = "NAME",
      description = "Model shape (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Model shape from a HuggingFace config.json instead of --preset.")
  Path config;

  @Option(
      names = "--max-seq-length",
      defaultValue = "512",
      paramLabel = "N",
      description = "Window length (default: ${DEFAULT-VALUE}).")
  int maxSeqLength;

  @Option(
      names = "--stride",
      defaultValue = "64",
      paramLabel = "N",
      description = "Window overlap (default: ${DEFAULT-VALUE}).")
  int stride;

  @Option(
      names = "--batch-tokens",
      defaultValue = "4096",
      paramLabel = "N",
      description = "Token budget of a forward pass (default: ${DEFAULT-VALUE}).")
  int batchTokens;

  @Option(
      names = "--policies",
      split = ",",
      defaultValue = "bucketed,pad_to_max,pad_each_batch",
      paramLabel = "P",
      description = "Batchings to measure, comma-separated (default: ${DEFAULT-VALUE}).")
  List<BatchPolicy> policies;

  /** Draws the document sample and the random weights (default 12345). */
  @Mixin SeedOption seedOption;

  @Mixin BenchOutput benchOutput;

  @Override
  public Integer call() throws Exception {
    if (docs <= 0) {
      throw new UsageException("--docs must be positive");
    }
    Path shared = BenchCommand.sharedDir();
    Path documents = input != null ? input : shared.resolve("datasets/imdb/test.tsv.gz");
    Path spm = spmModel != null ? spmModel : shared.resolve("fixtures/tokenizer/albert-30k.model");
    for (Path p : List.of(documents, spm)) {
      if (!Files.isRegularFile(p)) {
        throw new UsageException(
            p
                + " not found (the defaults live in the shared data directory "
                + shared
                + "): pass --input FILE and --spm-model FILE");
      }
    }
    if (System.getProperty("albert.threads") == null) {
      System.setProperty("albert.threads", "1"); // one executor core; before BLAS starts
    }
    AlbertConfig shape = config != null ? AlbertConfig.read(config) : Presets.load(preset);
    return benchOutput.run(
        new ScoreBenchmark(
            new ScoreBenchmark.Options(
                documents,
                docs,
                spm,
                shape,
                maxSeqLength,
                stride,
                batchTokens,
                policies,
                seedOption.seed)));
  }
}
