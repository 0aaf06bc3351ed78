package org.albertspark.jobs.cli;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Time-stamped progress lines on stderr ({@code [command HH:mm:ss] message}), off with --quiet. */
final class Progress {

  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final String command;
  private final PrintWriter err;
  private final boolean quiet;

  Progress(String command, PrintWriter err, boolean quiet) {
    this.command = command;
    this.err = err;
    this.quiet = quiet;
  }

  void say(String message) {
    if (!quiet) {
      err.println("[" + command + " " + LocalTime.now().format(HMS) + "] " + message);
      err.flush();
    }
  }
}
