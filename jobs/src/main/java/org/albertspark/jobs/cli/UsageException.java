package org.albertspark.jobs.cli;

/**
 * Bad input found before any work: a missing or unreadable input, an invalid file, an output in the
 * way. The command line reports its message in one line and exits 2 ({@link AlbertCli#EXIT_USAGE});
 * throw it from a command's checks instead of returning a code.
 */
public final class UsageException extends RuntimeException {

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
