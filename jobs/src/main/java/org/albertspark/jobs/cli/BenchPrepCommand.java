package org.albertspark.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.jobs.bench.PrepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code albert bench prep}: {@code albert prep} at 1x, 4x, 16x of an input, memory kept flat. */
@Command(
    name = "prep",
    description = {
      "Throughput and memory of albert prep at several multiples of an input, to show that memory "
          + "stays flat as the corpus grows. Scale k = the first k x --base-reviews reviews of IMDB unsup "
          + "(distinct text, no copies); each scale runs prep in its own JVM with the same --heap, under "
          + "/usr/bin/time.",
      "Columns: input MB, documents, tokens, instances, wall seconds (JVM + Spark start included), prep "
          + "seconds (the manifest's timing: the job itself), MB/s and tokens/s per core over the prep "
          + "seconds, peak JVM heap (MemoryPoolMXBean peaks; local mode = driver + executors), max RSS.",
      "Inputs come from the shared data directory (system property albert.shared.dir, environment "
          + "ALBERT_SHARED_DIR, or ../shared): datasets/imdb/unsup.tsv.gz and the ALBERT 30k model."
    })
public final class BenchPrepCommand implements Callable<Integer> {

  @Option(
      names = "--base-reviews",
      defaultValue = "3000",
      paramLabel = "N",
      description =
          "Reviews taken as the 1x input (default: ${DEFAULT-VALUE}, about 4 MB of text).")
  int baseReviews;

  @Option(
      names = "--scales",
      defaultValue = "1,4,16",
      split = ",",
      paramLabel = "K",
      description = "Multiples to run, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> scales;

  @Option(
      names = "--heap",
      defaultValue = "1g",
      paramLabel = "SIZE",
      description = "Fixed heap (-Xmx) of every scale's prep JVM (default: ${DEFAULT-VALUE}).")
  String heap;

  @Option(
      names = "--prep-flags",
      defaultValue = "--dupe-factor 1",
      paramLabel = "FLAGS",
      description = "Extra albert prep flags, space-separated (default: ${DEFAULT-VALUE}).")
  String prepFlags;

  @Option(
      names = "--work-dir",
      defaultValue = "/tmp/albert-bench-prep",
      paramLabel = "DIR",
      description = "Scratch directory (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Mixin BenchOutput benchOutput;

  @Override
  public Integer call() throws Exception {
    if (baseReviews <= 0 || scales.stream().anyMatch(k -> k <= 0)) {
      throw new UsageException("--base-reviews and --scales must be positive");
    }
    if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
      throw new UsageException("missing /usr/bin/time (apt-get install time)");
    }
    Path shared = BenchCommand.sharedDir();
    Path reviews = shared.resolve("datasets/imdb/unsup.tsv.gz");
    Path model = shared.resolve("fixtures/tokenizer/albert-30k.model");
    for (Path f : List.of(reviews, model)) {
      if (!Files.isRegularFile(f)) {
        throw new UsageException(
            f + " not found: the inputs live in the shared data directory (" + shared + ")");
      }
    }
    List<String> flags = prepFlags.isBlank() ? List.of() : List.of(prepFlags.trim().split("\\s+"));
    return benchOutput.run(
        new PrepBenchmark(
            new PrepBenchmark.Options(reviews, model, baseReviews, scales, workDir, heap, flags)));
  }
}
