package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TaskThreadsTest {

  @Test
  void aTaskGetsItsCpusUnlessTheCountIsSetExplicitly() {
    String before = System.getProperty(TaskThreads.PROPERTY);
    try {
      System.clearProperty(TaskThreads.PROPERTY);
      TaskThreads.useCpus(3);
      assertEquals("3", System.getProperty(TaskThreads.PROPERTY));
      TaskThreads.useCpus(1); // set now: kept
      assertEquals("3", System.getProperty(TaskThreads.PROPERTY));
      System.clearProperty(TaskThreads.PROPERTY);
      TaskThreads.useCpus(0);
      assertEquals("1", System.getProperty(TaskThreads.PROPERTY));
    } finally {
      if (before == null) {
        System.clearProperty(TaskThreads.PROPERTY);
      } else {
        System.setProperty(TaskThreads.PROPERTY, before);
      }
    }
  }

  @Test
  void moreBlasThreadsThanTaskCpusIsReported() {
    assertTrue(TaskThreads.oversubscription(1, 1).isEmpty());
    assertTrue(TaskThreads.oversubscription(2, 4).isEmpty());
    String m = TaskThreads.oversubscription(8, 2).orElseThrow();
    assertTrue(m.contains("8 BLAS threads") && m.contains("-Dalbert.threads=2"), m);
  }
}
