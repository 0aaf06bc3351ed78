package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.albertspark.jobs.train.TinyPretrainingData;
import org.albertspark.model.io.ModelDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults during {@code albert pretrain} on a real standalone cluster (two one-core workers, the
 * real SparkSubmit): an executor JVM SIGKILLed while it computes a step's gradient, and the driver
 * SIGKILLed between checkpoints. Both runs must end with the clean run's parameters and metrics:
 * nothing lost, nothing counted twice. Runs after {@code package} (failsafe), since it submits the
 * job jar.
 */
class PretrainFaultsIT {

  static final LocalCluster cluster =
      new LocalCluster(LocalCluster.ROOT.resolve("jobs/target/it-pretrain-faults"));
  static final ObjectMapper JSON = new ObjectMapper();
  static final int STEPS = 12;
  static Path data;
  static Path config;
  static Path clean;

  @BeforeAll
  static void cleanRun() throws Exception {
    cluster.start(2);
    data = TinyPretrainingData.prep(cluster.work.resolve("prep"), false);
    // the example tiny config with dropout on, so a re-run task must also redo its dropout masks
    ObjectNode tiny =
        (ObjectNode)
            JSON.readTree(TinyPretrainingData.EXAMPLES.resolve("tiny-albert.json").toFile());
    tiny.put("hidden_dropout_prob", 0.1);
    config = cluster.work.resolve("tiny-dropout.json");
    JSON.writeValue(config.toFile(), tiny);
    clean = cluster.work.resolve("clean");
    cluster.submit(cluster.work.resolve("clean.log"), args(clean));
    assertEquals(STEPS, metrics(clean).size());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.stop();
  }

  /**
   * 12 steps of 32 instances, 2 workers x 2 micro-batches of 8 (a task computes for about a second:
   * long enough to be killed in the middle), a checkpoint every 4 steps.
   */
  static String[] args(Path output, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "pretrain",
                "--data",
                data.toString(),
                "--config",
                config.toString(),
                "--spm-model",
                TinyPretrainingData.SPM.toString(),
                "--output",
                output.toString(),
                "--steps",
                "" + STEPS,
                "--global-batch",
                "32",
                "--micro-batch",
                "8",
                "--workers",
                "2",
                "--lr",
                "0.005",
                "--warmup-steps",
                "2",
                "--seed",
                "3",
                "--checkpoint-every",
                "4",
                "--keep-checkpoints",
                "2",
                "--log-every",
                "1"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void executorKilledMidTaskTheTaskIsRerunAndTheRunEqualsTheCleanRun() throws Exception {
    Path out = cluster.work.resolve("executor-killed");
    Path log = cluster.work.resolve("executor-killed.log");
    Process driver = cluster.startSubmit(log, args(out));
    try {
      killAnExecutorMidTaskThenFinish(driver, log, out);
    } finally {
      ClusterScripts.destroyTree(driver); // a failed check leaves no driver behind
    }
  }

  private static void killAnExecutorMidTaskThenFinish(Process driver, Path log, Path out)
      throws Exception {
    // after two steps, SIGKILL an executor while it is running a task
    LocalCluster.Executor victim = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (victim == null) {
      assertTrue(driver.isAlive(), "the run ended before an executor was killed:\n" + read(log));
      assertTrue(System.nanoTime() < deadline, "no executor ran a task; log " + log);
      if (lines(out) >= 2) {
        for (LocalCluster.Executor e : cluster.executors()) {
          if (runsATask(e.stderr())) {
            e.process().destroyForcibly();
            victim = e;
            break;
          }
        }
      }
      Thread.sleep(10);
    }
    String driverLog = ClusterScripts.finish(driver, log);
    assertTrue(driverLog.contains("Lost executor"), driverLog);

    // the task it was running (attempt 0) ran again (attempt 1) in another executor of the app
    Matcher killed = RUNNING.matcher(victim.stderr());
    String task = null;
    while (killed.find()) {
      task = killed.group(1);
    }
    Path app = victim.dir().getParent();
    String retry = "Running task " + task.replaceFirst("\\.0 in stage", ".1 in stage");
    List<String> logs = new ArrayList<>();
    try (Stream<Path> workers = Files.list(cluster.state.resolve("work"))) {
      for (Path w : workers.toList()) {
        Path a = w.resolve(app.getFileName());
        if (Files.isDirectory(a)) {
          try (Stream<Path> ids = Files.list(a)) {
            for (Path e : ids.toList()) {
              logs.add(read(e.resolve("stderr")));
            }
          }
        }
      }
    }
    assertTrue(
        logs.stream().anyMatch(l -> l.contains(retry)),
        "no executor ran '" + retry + "' after the kill of '" + task + "'");
    // the master started a replacement: the application's folders hold three executors
    long executorsOfTheApp = logs.size();
    assertEquals(3, executorsOfTheApp, "executors launched for " + app.getFileName());
    assertSameRun(out);
  }

  @Test
  void driverKilledBetweenCheckpointsResumeEqualsTheCleanRun() throws Exception {
    Path out = cluster.work.resolve("driver-killed");
    Path log = cluster.work.resolve("driver-killed.log");
    Process launcher = cluster.startSubmit(log, args(out));
    try {
      killTheDriverBetweenCheckpoints(launcher, log, out);
    } finally {
      ClusterScripts.destroyTree(launcher);
    }
    String resumed = cluster.submit(cluster.work.resolve("resumed.log"), args(out, "--resume"));
    assertTrue(resumed.contains("resuming from") && resumed.contains("step-4"), resumed);
    assertSameRun(out);
  }

  private static void killTheDriverBetweenCheckpoints(Process launcher, Path log, Path out)
      throws Exception {
    // once step 5 is logged (checkpoint step-4 written, step-8 not yet), SIGKILL the driver JVM
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (lines(out) < 5) {
      assertTrue(launcher.isAlive(), "the run ended before the driver was killed:\n" + read(log));
      assertTrue(System.nanoTime() < deadline, "the run did not reach step 5; log " + log);
      Thread.sleep(10);
    }
    // the launcher execs the driver JVM (client mode); look below it too
    ProcessHandle driverJvm =
        Stream.concat(Stream.of(launcher.toHandle()), launcher.descendants())
            .filter(
                p ->
                    LocalCluster.commandLine(p.pid())
                        .contains("org.apache.spark.deploy.SparkSubmit"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no SparkSubmit JVM at or under the launcher"));
    driverJvm.destroyForcibly();
    assertTrue(launcher.waitFor(2, TimeUnit.MINUTES), "the launcher did not end with its driver");
    int doneAtKill = lines(out);
    assertNotEquals(0, launcher.exitValue());
    assertTrue(doneAtKill < 8, "killed after step " + doneAtKill + ", past checkpoint step-8");
    assertFalse(Files.exists(out.resolve("final")));
    assertTrue(Files.isDirectory(out.resolve("checkpoints/step-4")));
  }

  /** The run in {@code out} ended with the clean run's parameters and, step by step, metrics. */
  static void assertSameRun(Path out) throws Exception {
    List<JsonNode> want = metrics(clean);
    List<JsonNode> got = metrics(out);
    assertEquals(STEPS, got.size(), "metrics.jsonl: one line per step, none twice");
    for (int i = 0; i < STEPS; i++) {
      assertEquals(i + 1, got.get(i).path("step").asInt(), got.get(i).toString());
      for (String key : List.of("loss", "mlm_accuracy", "sop_accuracy", "grad_norm")) {
        double w = want.get(i).path(key).asDouble();
        assertEquals(w, got.get(i).path(key).asDouble(), 1e-6 * Math.max(1, Math.abs(w)), key);
      }
    }
    float[] a = ModelDirectory.load(clean.resolve("final")).parameters().flat().toFloatVector();
    float[] b = ModelDirectory.load(out.resolve("final")).parameters().flat().toFloatVector();
    // a re-run task gets identical inputs (broadcast parameters, micro-batches, dropout seeds) on
    // a JVM with the same kernels and thread count, and the sum has a fixed order: bit-identical
    int differ = 0;
    for (int i = 0; i < a.length; i++) {
      differ += Float.floatToIntBits(a[i]) == Float.floatToIntBits(b[i]) ? 0 : 1;
    }
    assertEquals(0, differ, differ + " of " + a.length + " parameters differ from the clean run");
  }

  /** An executor's log line for a task it starts: group 1 the task, group 2 its TID. */
  private static final Pattern RUNNING =
      Pattern.compile("Running task (\\d+\\.\\d+ in stage \\d+\\.\\d+) \\(TID (\\d+)\\)");

  /** An executor log's newest task has started and not finished. */
  static boolean runsATask(String stderr) {
    Matcher m = RUNNING.matcher(stderr);
    int end = -1;
    String tid = null;
    while (m.find()) {
      tid = m.group(2);
      end = m.end();
    }
    return tid != null && !stderr.substring(end).contains("(TID " + tid + ")");
  }

  static int lines(Path run) throws IOException {
    Path f = run.resolve("metrics.jsonl");
    return Files.exists(f) ? Files.readAllLines(f).size() : 0;
  }

  static List<JsonNode> metrics(Path run) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  static String read(Path log) throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
