package org.albertspark.model.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Chooses OpenBLAS's GEMM kernel for THIS machine's CPU and hands it to OpenBLAS, which reads
 * {@code OPENBLAS_CORETYPE} with {@code getenv} once, when its library is loaded.
 *
 * <p>Why: an environment may pin {@code OPENBLAS_CORETYPE=Haswell} (AVX2), which on an AVX-512 CPU
 * runs GEMM at about half speed, while SkylakeX kernels crash on a CPU without AVX-512. On a
 * cluster the driver's CPU says nothing about an executor's, so each JVM decides for itself: the
 * rule is {@link #choose}. A launcher cannot do it for executors (their environment is fixed on the
 * driver), and {@code System.getenv} is a read-only copy; so {@link #applyBeforeOpenBlasLoads}
 * writes the C environment the library will read (glibc's {@code environ}, through JavaCPP
 * pointers). It must run before anything loads ND4J or OpenBLAS in this JVM; afterwards it only
 * reports that it came too late.
 */
public final class OpenBlasCoreType {

  /**
   * System property naming the kernel to force on every JVM (launchers: ALBERT_OPENBLAS_CORETYPE).
   */
  public static final String FORCE_PROPERTY = "albert.openblas.coretype";

  static final String VARIABLE = "OPENBLAS_CORETYPE";

  /** The AVX-512 subsets OpenBLAS's SkylakeX kernels use. */
  static final Set<String> SKYLAKEX_FLAGS = Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl");

  private OpenBlasCoreType() {}

  /**
   * The kernel to use, or null to leave OpenBLAS alone: a forced name wins; else SkylakeX when the
   * CPU has {@link #SKYLAKEX_FLAGS}; else what the environment already says (null when unset).
   */
  static String choose(String forced, Set<String> cpuFlags, String inherited) {
    if (forced != null && !forced.isBlank()) {
      return forced.trim();
    }
    if (cpuFlags.containsAll(SKYLAKEX_FLAGS)) {
      return "SkylakeX";
    }
    return inherited;
  }

  /** The CPU feature flags of this machine ({@code /proc/cpuinfo}; empty where it is absent). */
  static Set<String> cpuFlags(Path cpuinfo) {
    try (Stream<String> lines = Files.lines(cpuinfo, StandardCharsets.ISO_8859_1)) {
      return lines
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(
              l ->
                  new HashSet<>(
                      Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))))
          .map(Set::copyOf)
          .orElse(Set.of());
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }

  /**
   * Decides on this machine and sets {@code OPENBLAS_CORETYPE} in the process environment, if
   * OpenBLAS is not loaded yet. Returns a one-line account for the log.
   */
  public static synchronized String applyBeforeOpenBlasLoads() {
    String inherited = System.getenv(VARIABLE);
    String chosen =
        choose(System.getProperty(FORCE_PROPERTY), cpuFlags(Path.of("/proc/cpuinfo")), inherited);
    if (chosen == null) {
      return "OpenBLAS core type: OpenBLAS's own detection (no AVX-512, nothing forced or inherited)";
    }
    if (openBlasLoaded()) {
      return "OpenBLAS core type: already loaded, left as it was ("
          + VARIABLE
          + "="
          + inherited
          + "; wanted "
          + chosen
          + ")";
    }
    setEnvironment(VARIABLE, chosen);
    return "OpenBLAS core type: " + chosen + " (inherited " + VARIABLE + "=" + inherited + ")";
  }

  private static boolean openBlasLoaded() {
    return Loader.getLoadedLibraries().keySet().stream().anyMatch(k -> k.contains("openblas"));
  }

  /**
   * setenv(3) without a C compiler: build a new {@code char*[]} with NAME=VALUE replacing or added
   * to the current entries and point glibc's {@code environ} at it. The old array and strings stay
   * where they are (other threads may be reading them), as setenv itself never frees them.
   */
  static void setEnvironment(String name, String value) {
    Pointer environSymbol = Loader.addressof("environ");
    if (environSymbol == null || environSymbol.isNull()) {
      throw new IllegalStateException("the C library's environ symbol was not found");
    }
    PointerPointer<BytePointer> environ = new PointerPointer<BytePointer>(environSymbol);
    environ.capacity(1);
    PointerPointer<BytePointer> current = new PointerPointer<BytePointer>(environ.get(0));
    int n = 0;
    while (true) {
      current.capacity(n + 1);
      BytePointer entry = current.get(BytePointer.class, n);
      if (entry == null || entry.isNull()) {
        break;
      }
      n++;
    }
    PointerPointer<BytePointer> fresh =
        new PointerPointer<BytePointer>(Pointer.malloc(8L * (n + 2)));
    fresh.capacity(n + 2);
    String prefix = name + "=";
    int j = 0;
    for (int i = 0; i < n; i++) {
      BytePointer entry = current.get(BytePointer.class, i);
      if (!entry.getString(StandardCharsets.ISO_8859_1).startsWith(prefix)) {
        fresh.put(j++, entry);
      }
    }
    byte[] bytes = (prefix + value).getBytes(StandardCharsets.ISO_8859_1);
    BytePointer entry = new BytePointer(Pointer.malloc(bytes.length + 1));
    entry.capacity(bytes.length + 1);
    entry.put(bytes).put(bytes.length, (byte) 0);
    fresh.put(j++, entry);
    fresh.put(j, (Pointer) null);
    environ.put(0, fresh);
  }
}
