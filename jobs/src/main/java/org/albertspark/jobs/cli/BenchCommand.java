package org.albertspark.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code albert bench}: benchmarks (not timed unit tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Benchmarks.",
    subcommands = {
      BenchModelCommand.class,
      BenchTokenizerCommand.class,
      BenchFinetuneCommand.class,
      BenchScoreCommand.class,
    })
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
