package org.albertspark.jobs.cli;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --quiet} and the progress a command prints on stderr; used with {@code @Mixin}. Progress
 * lines read {@code [COMMAND HH:mm:ss] message}; {@code --quiet} keeps only lines starting with
 * {@code WARNING}. A {@link #bar} is a live progress bar on a terminal and plain lines at every
 * tenth otherwise (CI logs, spark-submit, redirected stderr), so logs stay readable.
 */
public final class Progress implements Consumer<String> {

  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--quiet", description = "Print only warnings and the result, not progress.")
  public boolean quiet;

  /** Prints one progress line (or, with --quiet, only a warning). */
  @Override
  public void accept(String message) {
    if (!quiet || message.startsWith("WARNING")) {
      PrintWriter err = mixee.commandLine().getErr();
      err.println("[" + mixee.name() + " " + LocalTime.now().format(HMS) + "] " + message);
      err.flush();
    }
  }

  /** Progress over {@code total} units of {@code task}; close it when done. */
  public Bar bar(String task, long total) {
    if (!quiet && System.console() != null) {
      ProgressBar bar =
          new ProgressBarBuilder()
              .setTaskName(task)
              .setInitialMax(total)
              .setConsumer(new ConsoleProgressBarConsumer(System.err))
              .build();
      return new Bar() {
        @Override
        public void step() {
          bar.step();
        }

        @Override
        public void close() {
          bar.close();
        }
      };
    }
    return new Bar() {
      private long done;
      private long shownTenth;

      @Override
      public void step() {
        done++;
        long tenth = total <= 0 ? 10 : Math.min(10, done * 10 / total);
        if (tenth > shownTenth || done == total) {
          shownTenth = tenth;
          accept(String.format("%s: %d / %d", task, done, total));
        }
      }

      @Override
      public void close() {}
    };
  }

  /** A progress bar: one {@link #step} per unit done. */
  public interface Bar extends AutoCloseable {
    void step();

    @Override
    void close();
  }
}
