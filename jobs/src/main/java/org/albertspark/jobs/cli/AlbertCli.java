package org.albertspark.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code albert} command line: one entry point, one subcommand per job or tool. */
@Command(
    name = "albert",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "ALBERT on Apache Spark: prepare corpora, train vocabularies, create, run, fine-tune, evaluate, score with and benchmark models.",
    subcommands = {
      CommandLine.HelpCommand.class,
      InitModelCommand.class,
      ForwardCommand.class,
      TokenizeCommand.class,
      BenchCommand.class,
      TrainVocabCommand.class,
      PrepCommand.class,
      FinetuneCommand.class,
      EvalCommand.class,
      BaselineCommand.class,
      ScoreCommand.class,
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
    return new CommandLine(new AlbertCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(AlbertCli::reportFailure);
  }

  /**
   * A failed command prints one line naming what went wrong (exit 1); the stack trace only with
   * ALBERT_DEBUG set, since users act on the message, not on the trace.
   */
  private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    Throwable cause = e;
    while (cause.getCause() != null
        && (cause.getMessage() == null
            || cause instanceof java.util.concurrent.ExecutionException)) {
      cause = cause.getCause();
    }
    String what =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause instanceof java.nio.file.NoSuchFileException n && n.getReason() == null) {
      what = "no such file: " + what;
    }
    cmd.getErr().println("albert " + cmd.getCommandName() + ": error: " + what);
    if (System.getenv("ALBERT_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    return 1;
  }
}
