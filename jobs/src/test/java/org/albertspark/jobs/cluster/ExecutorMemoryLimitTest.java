package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.albertspark.model.tensor.FloatMemory;
import org.junit.jupiter.api.Test;

/**
 * The limit the cluster launchers give executors ({@code -Dorg.bytedeco.javacpp.maxphysicalbytes},
 * see submit-scripts/lib/spark-submit.sh) is enforced on the model's own memory: ND4J's buffers are
 * not counted by JavaCPP's {@code maxbytes}, but every allocation checks the process's resident
 * size, so a task that outgrows its container fails with a clear error in the JVM instead of being
 * killed by YARN or Kubernetes.
 */
class ExecutorMemoryLimitTest {

  @Test
  void modelAllocationsPastTheLimitFailWithAClearError() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "-Dorg.bytedeco.javacpp.maxphysicalbytes=900m"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Allocate.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(3, p.exitValue(), out);
    assertTrue(out.contains("Physical memory usage is too high"), out);
    // it stopped near the limit, not at the first block: 100 MB blocks, 900 MB allowed
    int allocated = Integer.parseInt(out.replaceAll("(?s).*allocated (\\d+) blocks.*", "$1"));
    assertTrue(allocated >= 3 && allocated <= 9, out);
  }

  /** Child JVM: holds 100 MB blocks until an allocation fails; exit 3 with the error printed. */
  public static final class Allocate {
    public static void main(String[] args) {
      List<FloatMemory> kept = new ArrayList<>();
      try {
        for (int i = 0; i < 40; i++) {
          kept.add(FloatMemory.zeros(25_000_000L));
        }
        System.out.println("no failure after " + kept.size() + " blocks");
        System.exit(0);
      } catch (OutOfMemoryError e) {
        System.out.println("allocated " + kept.size() + " blocks");
        for (Throwable t = e; t != null; t = t.getCause()) {
          System.out.println(t);
        }
        System.exit(3);
      }
    }
  }
}
