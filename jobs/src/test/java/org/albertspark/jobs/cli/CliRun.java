package org.albertspark.jobs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One {@code albert} invocation in-process: its exit code and what it wrote to stdout and stderr.
 */
record CliRun(int exit, String out, String err) {

  /** Runs {@code albert args...} with picocli's out and err captured. */
  static CliRun run(String... args) {
    CommandLine cli = AlbertCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
