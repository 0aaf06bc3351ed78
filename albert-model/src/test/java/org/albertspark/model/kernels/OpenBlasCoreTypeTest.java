package org.albertspark.model.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenBlasCoreTypeTest {

  @Test
  void forcedWinsThenAvx512ThenInherited() {
    Set<String> avx512 = Set.of("sse2", "avx2", "avx512f", "avx512bw", "avx512dq", "avx512vl");
    Set<String> avx2 = Set.of("sse2", "avx2", "avx512f");
    assertEquals("Haswell", OpenBlasCoreType.choose("Haswell", avx512, "Zen"));
    assertEquals("SkylakeX", OpenBlasCoreType.choose(null, avx512, "Haswell"));
    assertEquals("SkylakeX", OpenBlasCoreType.choose(" ", avx512, null));
    assertEquals("Haswell", OpenBlasCoreType.choose(null, avx2, "Haswell"));
    assertNull(OpenBlasCoreType.choose(null, avx2, null));
  }

  @Test
  void readsTheFirstFlagsLine(@TempDir Path dir) throws Exception {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: fpu avx2 avx512f\nflags\t\t: other\n");
    assertEquals(Set.of("fpu", "avx2", "avx512f"), OpenBlasCoreType.cpuFlags(cpuinfo));
    assertEquals(Set.of(), OpenBlasCoreType.cpuFlags(dir.resolve("absent")));
  }

  /**
   * The real thing, in a fresh JVM whose environment pins Haswell: the forced kernel is what
   * OpenBLAS loads (OPENBLAS_VERBOSE=2 makes OpenBLAS print "Core: NAME" as it initializes).
   */
  @Test
  void openBlasLoadsTheKernelSetInProcess() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-D" + OpenBlasCoreType.FORCE_PROPERTY + "=Prescott",
                LoadOpenBlas.class.getName()));
    pb.environment().put("OPENBLAS_CORETYPE", "Haswell");
    pb.environment().put("OPENBLAS_VERBOSE", "2");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(
        out.contains("OpenBLAS core type: Prescott (inherited OPENBLAS_CORETYPE=Haswell)"), out);
    assertTrue(out.contains("Core: Prescott"), out);
  }

  /** Child JVM of the test above: decide, then load OpenBLAS. */
  static final class LoadOpenBlas {
    public static void main(String[] args) {
      System.out.println(OpenBlasCoreType.applyBeforeOpenBlasLoads());
      org.bytedeco.javacpp.Loader.load(org.bytedeco.openblas.global.openblas_nolapack.class);
      System.out.println("loaded");
    }
  }
}
