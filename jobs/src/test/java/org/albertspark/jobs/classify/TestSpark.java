package org.albertspark.jobs.classify;

import org.apache.spark.sql.SparkSession;

/** The local Spark session of the classify tests: 2 threads, 2 partitions after a shuffle. */
final class TestSpark {
  private TestSpark() {}

  static SparkSession start() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("test")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }
}
