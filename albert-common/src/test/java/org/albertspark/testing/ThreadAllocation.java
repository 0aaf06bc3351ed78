package org.albertspark.testing;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes allocated by the calling thread so far. Other threads (JIT compiler, GC, other tests
 * of a loaded machine) do not count, unlike a heap-usage delta, so allocation checks built on it
 * stay exact under load.
 */
public final class ThreadAllocation {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private ThreadAllocation() {}

  /** Bytes this thread has allocated since it started (monotonic). */
  public static long bytes() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }
}
