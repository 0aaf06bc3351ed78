package org.albertspark.jobs.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seed N}: the run seed every random draw of a command derives from; used with
 * {@code @Mixin}. A command with another default sets it with {@code @Command(defaultValueProvider
 * = ...)} (see {@link InitModelCommand}), so the help still shows the value in force.
 */
public final class SeedOption {

  /** The project's run seed (create_pretraining_data's default, kept by prep and train-vocab). */
  public static final String DEFAULT = "12345";

  @Option(
      names = "--seed",
      defaultValue = DEFAULT,
      paramLabel = "N",
      description =
          "Run seed: every random draw derives from it, so the same inputs, flags and seed give "
              + "the same output (default: ${DEFAULT-VALUE}).")
  public long seed;
}
