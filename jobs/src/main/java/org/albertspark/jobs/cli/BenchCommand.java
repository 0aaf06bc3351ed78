package org.albertspark.jobs.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code albert bench}: the benchmarks (not timed unit tests), each a {@link
 * org.albertspark.jobs.bench.Benchmark} run by a subcommand with {@link BenchOutput}: one output
 * format, a table or {@code --json} lines.
 */
@Command(
    name = "bench",
    description =
        "Benchmarks: a table on stdout (--json: one JSON object per row), progress on stderr.",
    subcommands = {
      BenchModelCommand.class,
      BenchTokenizerCommand.class,
      BenchVocabCommand.class,
      BenchPrepCommand.class,
      BenchScoreCommand.class,
    })
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The shared data folder holding the benchmarks' default inputs: system property
   * albert.shared.dir, environment ALBERT_SHARED_DIR, or ../shared.
   */
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
}
