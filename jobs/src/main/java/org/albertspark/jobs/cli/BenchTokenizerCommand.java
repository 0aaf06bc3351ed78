package org.albertspark.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.albertspark.jobs.bench.TokenizerBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
          + "and the ratio ours/spm_encode, and check that both produce identical ids (exit 1 if not).",
      "Ours is timed in-process after a warm-up pass (best of --repeat passes over all lines). "
          + "spm_encode is timed as a process reading the lines from a file and writing ids to a file; "
          + "its start-up time (loading the model, measured on an empty input) is subtracted for the "
          + "adjusted figure.",
      "Defaults use the shared data directory (system property albert.shared.dir, environment "
          + "ALBERT_SHARED_DIR, or ../shared): the IMDB unsup reviews and the ALBERT 30k model."
    })
public final class BenchTokenizerCommand implements Callable<Integer> {

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

  @Mixin BenchOutput benchOutput;

  @Override
  public Integer call() throws Exception {
    Path shared = BenchCommand.sharedDir();
    Path modelFile = model != null ? model : shared.resolve("fixtures/tokenizer/albert-30k.model");
    Path inputFile = input != null ? input : shared.resolve("datasets/imdb/unsup.tsv.gz");
    if (!Files.isRegularFile(modelFile) || !Files.isRegularFile(inputFile)) {
      throw new UsageException(
          (!Files.isRegularFile(modelFile) ? "model " + modelFile : "input " + inputFile)
              + " not found. The defaults live in the shared data directory ("
              + shared
              + "), absent here: pass --spm-model FILE and --input FILE.");
    }
    return benchOutput.run(
        new TokenizerBenchmark(
            new TokenizerBenchmark.Options(
                modelFile, inputFile, column, maxChars, repeat, spmEncode, albert)));
  }
}
