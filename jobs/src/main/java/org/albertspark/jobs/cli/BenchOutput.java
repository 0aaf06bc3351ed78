package org.albertspark.jobs.cli;

import java.io.PrintWriter;
import org.albertspark.jobs.bench.BenchReport;
import org.albertspark.jobs.bench.Benchmark;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --json} and the running of a {@link Benchmark}, for every {@code albert bench} command;
 * used with {@code @Mixin}: progress and detail go to stderr, the report (table or JSON lines) to
 * stdout; a failed check exits 1.
 */
public final class BenchOutput {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--json",
      description =
          "One JSON object per measurement (keys: the table's columns) instead of the table.")
  public boolean json;

  /** Runs {@code benchmark}, prints its report; the command's exit code. */
  public int run(Benchmark benchmark) throws Exception {
    PrintWriter out = mixee.commandLine().getOut();
    PrintWriter err = mixee.commandLine().getErr();
    BenchReport report = benchmark.run(err);
    err.flush();
    if (json) {
      report.printJson(out);
    } else {
      report.printTable(out);
    }
    return report.passed() ? AlbertCli.EXIT_OK : AlbertCli.EXIT_FAILURE;
  }
}
