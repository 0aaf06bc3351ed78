package org.albertspark.jobs.bench;

import java.io.PrintWriter;

/**
 * A benchmark of {@code albert bench <what>}: measures in one run and returns its figures as a
 * {@link BenchReport}, which the command prints as a table or as {@code --json} lines. A new one
 * ({@code albert bench pretrain}, {@code score}, ...) is a class implementing this plus a
 * subcommand of {@code BenchCommand} holding its flags and calling {@code BenchOutput.print}.
 *
 * <p>Performance targets live here, never in timed unit tests; compare figures of one run (ratios),
 * since the machine is shared and noisy.
 */
public interface Benchmark {

  /**
   * Runs the measurements; writes progress and detail (breakdowns, what is being timed) to {@code
   * progress}, which the command sends to stderr.
   */
  BenchReport run(PrintWriter progress) throws Exception;
}
