package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster for integration tests, driven through the project's own scripts:
 * submit-scripts/local-cluster (master and workers on loopback, state in {@code work/cluster}) and
 * submit-scripts/submit-standalone (the real SparkSubmit, client mode: the driver is a child JVM of
 * the launched script). Each script's output goes to a log file under {@code work}.
 */
final class LocalCluster {

  static final Path ROOT = ClusterScripts.ROOT;

  final Path work;
  final Path state;
  private String master;

  /** A cluster whose logs and state live in {@code work} (emptied by {@link #start}). */
  LocalCluster(Path work) {
    this.work = work;
    this.state = work.resolve("cluster");
  }

  /** Starts the master and {@code workers} one-core workers; returns the master URL. */
  String start(int workers) throws Exception {
    ClusterScripts.deleteTree(work);
    Files.createDirectories(work);
    String out =
        script(
            work.resolve("cluster-start.log"), "local-cluster", "start", "--workers", "" + workers);
    master = out.strip().lines().reduce((a, b) -> b).orElseThrow();
    assertTrue(master.startsWith("spark://127.0.0.1:"), out);
    return master;
  }

  /** Stops the cluster; checks that a second stop finds nothing and still succeeds. */
  void stop() throws Exception {
    script(work.resolve("cluster-stop.log"), "local-cluster", "stop");
    assertTrue(
        script(work.resolve("cluster-stop2.log"), "local-cluster", "stop").contains("not running"));
  }

  /**
   * Runs `submit-standalone --master URL COMMAND ARGS` to the end, logging to COMMAND.log; fails
   * with the log on a non-zero exit; returns the log.
   */
  String submit(String... commandAndArgs) throws Exception {
    return submit(work.resolve(commandAndArgs[0] + ".log"), commandAndArgs);
  }

  /** As {@link #submit(String...)}, logging to {@code log}; returns the log. */
  String submit(Path log, String... commandAndArgs) throws Exception {
    return ClusterScripts.finish(startSubmit(log, commandAndArgs), log);
  }

  /**
   * Starts `submit-standalone --master URL COMMAND ARGS` without waiting; output to {@code log}.
   */
  Process startSubmit(Path log, String... commandAndArgs) throws IOException {
    List<String> args = new ArrayList<>(List.of("submit-standalone", "--master", master));
    // small executors that fit the one-core workers; no UI ports to fight over
    args.addAll(List.of("--executor-memory", "768m", "--offheap", "512m"));
    args.addAll(List.of("--conf", "spark.ui.enabled=false"));
    args.addAll(List.of(commandAndArgs));
    return startScript(log, args.toArray(String[]::new));
  }

  /** The executor JVMs the workers are running now (pids for fault tests). */
  List<Executor> executors() throws IOException {
    List<Executor> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(state)) {
      for (Path pidFile :
          files.filter(f -> f.getFileName().toString().matches("worker-\\d+\\.pid")).toList()) {
        long worker = Long.parseLong(Files.readString(pidFile).strip());
        String name = pidFile.getFileName().toString().replace(".pid", "");
        for (ProcessHandle child :
            ProcessHandle.of(worker).map(h -> h.children().toList()).orElse(List.of())) {
          List<String> cmd = commandLine(child.pid());
          if (cmd.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")) {
            String app = cmd.get(cmd.indexOf("--app-id") + 1);
            String id = cmd.get(cmd.indexOf("--executor-id") + 1);
            out.add(
                new Executor(child, state.resolve("work").resolve(name).resolve(app).resolve(id)));
          }
        }
      }
    }
    return out;
  }

  /** An executor JVM and its folder under the worker's work dir (stdout, stderr). */
  record Executor(ProcessHandle process, Path dir) {
    String stderr() throws IOException {
      Path f = dir.resolve("stderr");
      return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }
  }

  /** A process's command line from /proc (the whole of it; ProcessHandle.Info may cut it). */
  static List<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return List.of(); // the process has ended
    }
  }

  /** Runs submit-scripts/SCRIPT ARGS to the end; fails with its log on a non-zero exit. */
  String script(Path log, String... scriptAndArgs) throws Exception {
    return ClusterScripts.finish(startScript(log, scriptAndArgs), log);
  }

  private Process startScript(Path log, String... scriptAndArgs) throws IOException {
    return ClusterScripts.start(
        log, Map.of("ALBERT_LOCAL_CLUSTER_DIR", state.toString()), scriptAndArgs);
  }
}
