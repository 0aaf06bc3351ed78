package org.albertspark.prep.util;

import org.apache.spark.broadcast.Broadcast;

/** Removing Spark broadcast variables once, for good (prep and the jobs use it). */
public final class Broadcasts {

  private Broadcasts() {}

  /**
   * Destroys {@code broadcast} and returns once its blocks are gone from the driver and every
   * executor.
   *
   * <p>Why blocking: since Spark 3.0 {@link Broadcast#destroy()} only sends the removal and
   * returns. Spark's ContextCleaner tracks every broadcast and removes the same id again once the
   * {@code Broadcast} object is garbage-collected, which can be milliseconds later (a training step
   * allocates a lot). When the two removals overlap in a block manager they race for the same
   * blocks, and Spark logs {@code WARN BlockManager: Asked to remove block broadcast_N, which does
   * not exist} or {@code ERROR BlockManagerStorageEndpoint: Error in removing broadcast N} with a
   * stack trace. Finished before we drop the object, the first removal leaves the cleaner nothing
   * to remove: its pass finds no blocks and logs nothing. {@code destroy(boolean)} is {@code
   * private[spark]} in Scala, hence public to Java; the public blocking {@code unpersist(true)}
   * would keep the driver's copy.
   */
  public static void destroy(Broadcast<?> broadcast) {
    broadcast.destroy(true);
  }
}
