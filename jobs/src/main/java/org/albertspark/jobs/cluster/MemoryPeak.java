package org.albertspark.jobs.cluster;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.bytedeco.javacpp.Pointer;

/**
 * The memory high-water marks of this JVM, sampled as tasks end: its resident set size (Java heap,
 * ND4J's off-heap buffers, OpenBLAS, metaspace, thread stacks), which YARN and Kubernetes hold
 * against {@code spark.executor.memory + memoryOverhead}, and the resident memory outside the Java
 * heap, which {@code spark.executor.memoryOverhead} has to cover. The model code keeps its buffers
 * per JVM and reuses them, so a task's end is when they are largest; the maximum over all samples
 * is kept per JVM. In local mode the driver and the executors are one JVM, so the figures include
 * the driver.
 *
 * <p>Off-heap = RSS minus the resident part of the Java heap: the heap's address range comes from
 * HotSpot's own {@code GC.heap_info}, the resident bytes per mapping from {@code /proc/self/smaps}.
 * Where either is unavailable (not Linux, not HotSpot) it falls back to RSS minus the committed
 * heap, which reads low while the committed heap is not all touched yet.
 *
 * <p>Why RSS ({@link Pointer#physicalBytes()}, read fresh from the OS) rather than JavaCPP's {@link
 * Pointer#totalBytes()}: ND4J 1.0.0-M2.1 allocates its buffers natively, outside JavaCPP's
 * accounting (measured: after allocating 400 MB of model memory, totalBytes() was 120 bytes and RSS
 * had grown by 485 MB, ND4J's libraries included).
 */
public final class MemoryPeak {

  /** Bytes; {@code offHeapBytes} = RSS minus the resident Java heap at the same moment. */
  public record Sample(long rssBytes, long offHeapBytes) implements Serializable {

    public static final Sample NONE = new Sample(0, 0);

    /** The larger of each figure (each one's own maximum; they may come from different tasks). */
    public Sample max(Sample other) {
      return new Sample(
          Math.max(rssBytes, other.rssBytes), Math.max(offHeapBytes, other.offHeapBytes));
    }

    /** "off-heap 912 MB, RSS 1,404 MB", for log lines. */
    public String describe() {
      return String.format("off-heap %,d MB, RSS %,d MB", offHeapBytes >> 20, rssBytes >> 20);
    }
  }

  private static final AtomicReference<Sample> PEAK = new AtomicReference<>(Sample.NONE);
  private static final Pattern RANGE =
      Pattern.compile("\\[0x([0-9a-f]+), (?:0x[0-9a-f]+, )?0x([0-9a-f]+)\\)");
  private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");

  private MemoryPeak() {}

  /** Samples this JVM now and returns its peak so far, this sample included. */
  public static Sample sample() {
    long rss = Pointer.physicalBytes();
    long heap = residentHeapBytes();
    if (heap < 0) {
      heap = Runtime.getRuntime().totalMemory();
    }
    return PEAK.accumulateAndGet(new Sample(rss, Math.max(0, rss - heap)), Sample::max);
  }

  /** Resident bytes of the Java heap's mappings, or -1 where that cannot be read. */
  static long residentHeapBytes() {
    try {
      String info =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "gcHeapInfo",
                      new Object[] {new String[0]},
                      new String[] {String[].class.getName()});
      long lo = Long.MAX_VALUE, hi = 0;
      Matcher m = RANGE.matcher(info.substring(0, Math.max(0, info.indexOf("Metaspace"))));
      while (m.find()) {
        lo = Math.min(lo, Long.parseUnsignedLong(m.group(1), 16));
        hi = Math.max(hi, Long.parseUnsignedLong(m.group(2), 16));
      }
      if (hi == 0) {
        return -1;
      }
      return residentBytesWithin(Files.readAllLines(Path.of("/proc/self/smaps")), lo, hi);
    } catch (IOException | RuntimeException | javax.management.JMException e) {
      return -1;
    }
  }

  /** The Rss of the smaps mappings inside [lo, hi). */
  static long residentBytesWithin(List<String> smaps, long lo, long hi) {
    long bytes = 0;
    boolean inside = false;
    for (String line : smaps) {
      Matcher m = MAPPING.matcher(line);
      if (m.find()) {
        long start = Long.parseUnsignedLong(m.group(1), 16);
        inside = start >= lo && start < hi;
      } else if (inside && line.startsWith("Rss:")) {
        bytes += 1024 * Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
      }
    }
    return bytes;
  }
}
