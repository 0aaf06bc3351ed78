package org.albertspark.jobs.cluster;

import java.time.Duration;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;

/**
 * A Spark listener that prints its {@link #line()} every interval while a long job runs, on a
 * daemon thread; {@link #close()} stops it. Subclasses count what their job reports and call {@link
 * #start()} at the end of their constructor, once their fields are set.
 */
public abstract class PeriodicProgress extends SparkListener implements AutoCloseable {

  private final SparkContext sc;
  private final Duration every;
  private final Consumer<String> out;
  private final long startNanos = System.nanoTime();
  private Thread printer;

  protected PeriodicProgress(SparkContext sc, Duration every, Consumer<String> out) {
    this.sc = sc;
    this.every = every;
    this.out = out;
  }

  /** The progress line printed every interval. */
  protected abstract String line();

  /** Seconds since construction. */
  protected final double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** "1:02:03". */
  public static String hms(long s) {
    return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  /** Registers the listener and starts printing. */
  protected final void start() {
    sc.addSparkListener(this);
    printer =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(every.toMillis());
                  out.accept(line());
                }
              } catch (InterruptedException e) {
                // closed
              }
            },
            "albert-progress");
    printer.setDaemon(true);
    printer.start();
  }

  @Override
  public void close() {
    printer.interrupt();
    sc.removeSparkListener(this);
  }
}
