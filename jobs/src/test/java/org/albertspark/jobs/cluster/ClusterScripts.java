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
   * Runs {@code submit-scripts/SCRIPT ARGS} with {@code env} added to the environment, its output
   * in {@code log}; fails with the log on a non-zero exit or after 15 minutes. Returns the output.
   */
  static String run(Path log, Map<String, String> env, String... scriptAndArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash"));
    cmd.add(ROOT.resolve("submit-scripts").resolve(scriptAndArgs[0]).toString());
    cmd.addAll(List.of(scriptAndArgs).subList(1, scriptAndArgs.length));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " timed out; log " + log);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
    return out;
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
