package org.albertspark.jobs.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --progress-seconds S}: how often a long Spark job prints its progress ({@code albert
 * score} and {@code albert eval}: rows scored, docs/s and ETA; {@code albert baseline}: the fit's
 * time, jobs and loss evaluations); used with {@code @Mixin}.
 */
public final class ProgressInterval {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--progress-seconds",
      defaultValue = "10",
      paramLabel = "S",
      description = "Print progress every S seconds (default: ${DEFAULT-VALUE}).")
  int seconds;

  /** The interval; a ParameterException (exit 2) when it is not positive. */
  public Duration every() {
    if (seconds <= 0) {
      throw new ParameterException(mixee.commandLine(), "--progress-seconds must be > 0");
    }
    return Duration.ofSeconds(seconds);
  }
}
