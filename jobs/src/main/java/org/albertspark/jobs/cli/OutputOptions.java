package org.albertspark.jobs.cli;

import picocli.CommandLine.Option;

/**
 * {@code --output PATH} and {@code --overwrite}, for every command that writes a result somewhere
 * (a model directory, shards, a vocabulary, a table); used with {@code @Mixin}. The command's
 * description says what it writes there; an existing output without {@code --overwrite} is a {@link
 * UsageException} (exit 2).
 */
public final class OutputOptions {

  @Option(
      names = "--output",
      required = true,
      paramLabel = "PATH",
      description = "Where to write the result (a local path or any Hadoop file system URI).")
  public String output;

  @Option(names = "--overwrite", description = "Replace an existing --output.")
  public boolean overwrite;

  /** --output as a local path, for the commands that write with java.nio. */
  public java.nio.file.Path localPath() {
    return java.nio.file.Path.of(output);
  }
}
