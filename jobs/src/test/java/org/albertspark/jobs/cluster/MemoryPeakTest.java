package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.albertspark.model.tensor.FloatMemory;
import org.junit.jupiter.api.Test;

/** {@link MemoryPeak}: ND4J memory counts outside the heap, and the JVM's peak is kept. */
class MemoryPeakTest {

  @Test
  void modelMemoryShowsOutsideTheHeapAndThePeakOutlivesIt() {
    MemoryPeak.Sample before = MemoryPeak.sample();
    assertTrue(before.offHeapBytes() > 0 && before.offHeapBytes() < before.rssBytes(), "" + before);
    assertTrue(MemoryPeak.residentHeapBytes() > 0, "the heap's resident bytes are read");
    FloatMemory block = FloatMemory.zeros(50_000_000); // 200 MB off the heap, touched by zeroing
    MemoryPeak.Sample during = MemoryPeak.sample();
    assertTrue(block.length() > 0);
    assertTrue(
        during.offHeapBytes() - before.offHeapBytes() >= 150L << 20,
        before.describe() + " -> " + during.describe());
    assertTrue(during.rssBytes() - before.rssBytes() >= 150L << 20, during.describe());
    // the peak is kept: a later sample never reports less
    MemoryPeak.Sample after = MemoryPeak.sample();
    assertEquals(after, after.max(during), after.describe() + " vs " + during.describe());
  }

  @Test
  void theHeapsResidentBytesAreTheRssOfTheMappingsInItsRange() {
    List<String> smaps =
        List.of(
            "700000000-740000000 ---p 00000000 00:00 0",
            "Rss:                   0 kB",
            "740000000-750000000 rw-p 00000000 00:00 0",
            "Size:             262144 kB",
            "Rss:              100000 kB",
            "750000000-800000000 ---p 00000000 00:00 0",
            "Rss:                   0 kB",
            "7f0000000000-7f0010000000 rw-p 00000000 00:00 0",
            "Rss:              200000 kB");
    assertEquals(100000L * 1024, MemoryPeak.residentBytesWithin(smaps, 0x740000000L, 0x800000000L));
  }

  @Test
  void maxTakesEachFiguresOwnMaximum() {
    MemoryPeak.Sample a = new MemoryPeak.Sample(10, 7), b = new MemoryPeak.Sample(12, 3);
    assertEquals(new MemoryPeak.Sample(12, 7), a.max(b));
    assertEquals("off-heap 2 MB, RSS 3 MB", new MemoryPeak.Sample(3 << 20, 2 << 20).describe());
  }
}
