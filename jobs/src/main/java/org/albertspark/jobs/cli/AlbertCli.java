package org.albertspark.jobs.cli;

import java.io.FileNotFoundException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.ScopeType;

/**
 * The {@code albert} command line: one entry point, one subcommand per job or tool.
 *
 * <p>Every command follows one exit-code rule ({@link #EXIT_CODES}, shown in every {@code --help}
 * through the inherited {@code exitCodeList}, {@link #EXIT_OK}, {@link #EXIT_FAILURE}, {@link
 * #EXIT_USAGE}): 0 success; 2 usage or bad input found before any work (picocli's parse errors, a
 * {@link CommandLine.ParameterException} or {@link UsageException} thrown by a command, {@link
 * IllegalArgumentException} from a library's input checks, a missing file); 1 failure while running
 * (anything else).
 */
@Command(
    name = "albert",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure while running (I/O error, failed Spark job, ...)",
      "2:usage or bad input, found before any work: a bad flag, a missing or invalid input, an "
          + "existing output without --overwrite"
    },
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
      PretrainCommand.class,
      ReportCommand.class,
      FinetuneCommand.class,
      EvalCommand.class,
      BaselineCommand.class,
      ScoreCommand.class,
    })
public final class AlbertCli implements Runnable {

  /** Exit codes of every command (picocli's; the rule is in the class comment). */
  public static final int EXIT_OK = ExitCode.OK,
      EXIT_FAILURE = ExitCode.SOFTWARE,
      EXIT_USAGE = ExitCode.USAGE;

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
   * A failed command prints one line naming what went wrong, exit 2 for bad input and 1 otherwise;
   * the stack trace only with ALBERT_DEBUG set, since users act on the message, not on the trace.
   */
  private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    Throwable cause = e;
    while (cause.getCause() != null
        && (cause.getMessage() == null || cause instanceof ExecutionException)) {
      cause = cause.getCause();
    }
    String what =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause instanceof NoSuchFileException n && n.getReason() == null) {
      what = "no such file: " + what;
    }
    cmd.getErr()
        .println(cmd.getCommandSpec().qualifiedName() + ": error: " + what); // albert bench score
    if (System.getenv("ALBERT_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    cmd.getErr().flush();
    return isBadInput(cause) ? EXIT_USAGE : EXIT_FAILURE;
  }

  /** Bad input (exit 2): the exceptions commands and libraries throw for it before any work. */
  static boolean isBadInput(Throwable t) {
    return t instanceof UsageException
        || t instanceof IllegalArgumentException
        || t instanceof NoSuchFileException
        || t instanceof FileNotFoundException;
  }
}
