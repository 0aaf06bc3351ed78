package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the cluster ITs share: running the project's scripts, and small file chores. */
final class ClusterScripts {

  static final Path ROOT = Path.of(System.getProperty("albert.root", "..")).toAbsolutePath();

  private ClusterScripts() {}

  /**
   * Starts {@code submit-scripts/SCRIPT ARGS} with {@code env} added, its output in {@code log}.
   */
  static Process start(Path log, Map<String, String> env, String... scriptAndArgs)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash"));
    cmd.add(ROOT.resolve("submit-scripts").resolve(scriptAndArgs[0]).toString());
    cmd.addAll(List.of(scriptAndArgs).subList(1, scriptAndArgs.length));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Waits for a started script (15 min at most) and fails with its log on a non-zero exit. */
  static String finish(Process p, Path log) throws Exception {
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      destroyTree(p);
      throw new AssertionError(p.info().commandLine().orElse("script") + " timed out; log " + log);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "failed, log " + log + ":\n" + out);
    return out;
  }

  /** {@link #start} then {@link #finish}: the script's output. */
  static String run(Path log, Map<String, String> env, String... scriptAndArgs) throws Exception {
    return finish(start(log, env, scriptAndArgs), log);
  }

  /** Kills a started script and everything below it (SIGKILL) if still running. */
  static void destroyTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** The header and the first {@code rows} rows of a table file, written to {@code to}. */
  static Path head(Path table, int rows, Path to) throws IOException {
    List<String> lines = Files.readAllLines(table, StandardCharsets.UTF_8);
    Files.write(to, lines.subList(0, rows + 1), StandardCharsets.UTF_8);
    return to;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }
}
