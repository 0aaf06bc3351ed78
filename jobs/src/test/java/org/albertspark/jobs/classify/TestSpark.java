package org.albertspark.jobs.classify;

import org.apache.spark.sql.SparkSession;

/** The local Spark session of the jobs tests: 2 threads, 2 partitions after a shuffle. */
public final class TestSpark {
  private TestSpark() {}

  public static SparkSession start() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("test")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }
}
