package org.albertspark.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code albert} command line: one entry point, one subcommand per job or tool. */
@Command(
    name = "albert",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "ALBERT on Apache Spark: prepare data, train, fine-tune, score, inspect.",
    subcommands = {
      CommandLine.HelpCommand.class,
    })
public final class AlbertCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new AlbertCli()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
