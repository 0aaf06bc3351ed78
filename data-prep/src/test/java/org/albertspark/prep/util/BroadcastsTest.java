package org.albertspark.prep.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BroadcastBlockId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link Broadcasts#destroy}: when it returns, no block of the broadcast is left, so the
 * ContextCleaner's later removal of the same id has nothing to race for.
 */
class BroadcastsTest {

  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("broadcasts test").getOrCreate();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void destroyReturnsOnlyOnceEveryBlockOfTheBroadcastIsGone() {
    for (int round = 0; round < 5; round++) {
      // 8 MB of floats: the value block and its (compressed) pieces, read by two tasks
      Broadcast<float[]> b = sc.broadcast(new float[2_000_000]);
      List<Integer> lengths = sc.parallelize(List.of(1, 2), 2).map(x -> b.value().length).collect();
      assertEquals(List.of(2_000_000, 2_000_000), lengths);
      assertFalse(blocksOf(b.id()).isEmpty(), "the broadcast was never stored");

      Broadcasts.destroy(b);

      assertEquals(List.of(), blocksOf(b.id()), "blocks left after destroy, round " + round);
    }
  }

  /** The blocks of broadcast {@code id} in this JVM's block manager (local mode: the only one). */
  static List<BlockId> blocksOf(long id) {
    return CollectionConverters.asJava(
        SparkEnv.get()
            .blockManager()
            .getMatchingBlockIds(
                block -> block instanceof BroadcastBlockId bb && bb.broadcastId() == id));
  }
}
