package org.albertspark.jobs.cli;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Spark flags and the session of every Spark command; used with {@code @Mixin}:
 *
 * <pre>
 * try (SparkSession spark = sparkOptions.session("albert prep")) { ... }   // stopped at the end
 * </pre>
 */
public final class SparkOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--partitions",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Processing parallelism (input splits and tasks); does not change the output "
              + "(default: 0 = Spark's default parallelism).")
  public int partitions;

  @Option(
      names = "--master",
      defaultValue = "local[*]",
      paramLabel = "URL",
      description =
          "Spark master (default: ${DEFAULT-VALUE}; under spark-submit, its --master wins unless "
              + "this flag is given).")
  String master;

  /**
   * Gets or creates the session named {@code appName}: with --master when it is given or when no
   * spark.master is set (spark-submit sets one), otherwise with spark-submit's master. Spark logs
   * at WARN: the command's progress lines are the log, Spark's INFO lines are noise. The session is
   * {@link java.io.Closeable}: open it in try-with-resources so it is stopped however the command
   * ends.
   */
  public SparkSession session(String appName) {
    SparkSession.Builder sb = SparkSession.builder().appName(appName);
    boolean masterGiven = mixee.commandLine().getParseResult().hasMatchedOption("--master");
    if (masterGiven || System.getProperty("spark.master") == null) {
      sb.master(master);
    }
    SparkSession spark = sb.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
