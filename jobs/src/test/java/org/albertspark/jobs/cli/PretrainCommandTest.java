package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.albertspark.jobs.train.TinyPretrainingData;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code albert pretrain}: flags, argument checks before any work, the output layout, a driver log
 * free of broadcast-removal noise, resume after a driver {@code kill -9}, the notice of a run
 * stopped by SIGTERM, non-finite steps.
 */
class PretrainCommandTest {

  @TempDir static Path tmp;
  static Path data;
  static Path config;

  @BeforeAll
  static void prep() throws Exception {
    data = TinyPretrainingData.prep(tmp.resolve("prep"), false);
    config = tmp.resolve("config.json");
    Files.writeString(config, TinyPretrainingData.config(0.1).toJson());
  }

  /** The run every test varies: 6 steps of 8 instances, 2 workers x 2 micro-batches of 2. */
  static List<String> args(Path output, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "pretrain",
                "--data",
                data.toString(),
                "--config",
                config.toString(),
                "--output",
                output.toString(),
                "--steps",
                "6",
                "--global-batch",
                "8",
                "--micro-batch",
                "2",
                "--workers",
                "2",
                "--lr",
                "0.01",
                "--warmup-steps",
                "1",
                "--seed",
                "5",
                "--checkpoint-every",
                "2",
                "--keep-checkpoints",
                "2",
                "--log-every",
                "1",
                "--master",
                "local[2]"));
    a.addAll(List.of(more));
    return a;
  }

  static CliRun pretrain(Path output, String... more) {
    return run(args(output, more).toArray(String[]::new));
  }

  @Test
  void helpNamesEveryFlagOfTheIssue() {
    CliRun r = run("pretrain", "--help");
    assertEquals(0, r.exit());
    for (String flag :
        List.of(
            "--data",
            "--config",
            "--init-from",
            "--spm-model",
            "--output",
            "--steps",
            "--global-batch",
            "--micro-batch",
            "--workers",
            "--lr",
            "--warmup-steps",
            "--optimizer",
            "--weight-decay",
            "--clip-norm",
            "--seed",
            "--checkpoint-every",
            "--keep-checkpoints",
            "--resume",
            "--log-every",
            "--master")) {
      assertTrue(r.out().contains(flag), flag + " missing from help:\n" + r.out());
    }
  }

  @Test
  void badArgumentsFailBeforeAnyWorkSayingWhatToChange() throws Exception {
    Path out = tmp.resolve("bad");
    CliRun r = run(replace(args(out), "--data", tmp.resolve("nothing").toString()));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("not an albert prep output"), r.err());

    Path notPrep = Files.createDirectories(tmp.resolve("not-prep"));
    Files.writeString(notPrep.resolve("manifest.json"), "{\"format\": \"something else\"}");
    r = run(replace(args(out), "--data", notPrep.toString()));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("not an albert prep manifest"), r.err());

    r = run(replace(args(out), "--global-batch", "6"));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("not divisible by --workers x --micro-batch = 2 x 2"), r.err());

    r = run(replace(args(out), "--config", "albert-base-v2"));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("vocabulary has 1000 pieces"), r.err());
    assertTrue(r.err().contains("vocab_size 30000"), r.err());

    r = run(replace(args(out), "--optimizer", "sgd"));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("lamb or adamw"), r.err());
    assertFalse(Files.exists(out), "a failed check created the output");
  }

  @Test
  void outputLayoutThenResumeAfterKillMinus9EqualsTheCleanRun() throws Exception {
    Path clean = tmp.resolve("clean");
    CliRun r;
    try (CapturedLog log = new CapturedLog()) {
      r = pretrain(clean);
      // each step's parameter broadcast is removed once: no race with Spark's ContextCleaner
      for (String noise :
          List.of(
              "Asked to remove block broadcast",
              "Error in removing broadcast",
              "Failed to remove broadcast")) {
        assertEquals(List.of(), log.containing(noise), "the driver log has " + noise);
      }
    }
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("step 6/6"), r.out());
    assertTrue(r.out().contains("ETA"), r.out());
    for (String f :
        List.of("config.json", "model.safetensors", "spiece.model", "albert_provenance.json")) {
      assertTrue(Files.isRegularFile(clean.resolve("final").resolve(f)), f);
    }
    assertEquals(List.of("step-4", "step-6"), names(clean.resolve("checkpoints")));
    for (String f : List.of("model.safetensors", "optimizer.safetensors", "training_state.json")) {
      assertTrue(Files.isRegularFile(clean.resolve("checkpoints/step-4").resolve(f)), f);
    }
    List<JsonNode> metrics = metrics(clean);
    assertEquals(6, metrics.size());
    for (String key :
        List.of(
            "step",
            "loss",
            "mlm_loss",
            "mlm_accuracy",
            "sop_loss",
            "sop_accuracy",
            "lr",
            "grad_norm",
            "tokens_per_s",
            "compute_s",
            "exchange_s",
            "update_s",
            "worker_peak_offheap_bytes",
            "worker_peak_rss_bytes")) {
      assertTrue(metrics.get(5).has(key), key + " missing: " + metrics.get(5));
    }
    // the workers' JVM (local mode: this one): its resident memory, part of it outside the heap
    long offHeap = metrics.get(5).path("worker_peak_offheap_bytes").asLong();
    assertTrue(offHeap >= 0 && offHeap < metrics.get(5).path("worker_peak_rss_bytes").asLong());
    assertTrue(r.out().contains("worker peak off-heap "), r.out());
    assertEquals(6, metrics.get(5).path("step").asInt());
    assertEquals(
        "albert pretrain", ModelDirectory.provenance(clean.resolve("final")).orElseThrow().tool());

    // the same run in a child JVM, killed with SIGKILL once its step-2 checkpoint exists
    Path killed = tmp.resolve("killed");
    Process child = startChild(args(killed), tmp.resolve("killed.log"));
    Path step2 = killed.resolve("checkpoints/step-2");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!Files.isDirectory(step2) && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(child.isAlive(), "the child run ended before it could be killed");
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
    child.waitFor();
    assertFalse(Files.exists(killed.resolve("final")));

    // resumed with another worker count: the result does not depend on it
    List<String> resume = new ArrayList<>(List.of(replace(args(killed), "--workers", "1")));
    resume.add("--resume");
    r = run(resume.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("resuming from"), r.out());
    assertClose(clean.resolve("final"), killed.resolve("final"));
    List<JsonNode> resumed = metrics(killed);
    assertEquals(6, resumed.size(), "metrics.jsonl: one line per step, none twice");
    for (int i = 0; i < 6; i++) {
      assertEquals(i + 1, resumed.get(i).path("step").asInt());
      assertEquals(
          metrics.get(i).path("loss").asDouble(), resumed.get(i).path("loss").asDouble(), 1e-6);
    }

    // a resume with settings that change the result is refused
    List<String> reseeded = new ArrayList<>(List.of(replace(args(killed), "--seed", "6")));
    reseeded.add("--resume");
    r = run(reseeded.toArray(String[]::new));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("seed 5 (now 6)"), r.err());
  }

  @Test
  void nonFiniteStepsAreSkippedCountedAndStopTheRun() throws Exception {
    Path init = tmp.resolve("nan-model");
    AlbertModel m = AlbertModel.initialize(TinyPretrainingData.config(0), Head.PRETRAINING, 1);
    m.parameters().slice(ParameterLayout.WORD_EMBEDDINGS).set(7, Float.NaN);
    ModelDirectory.save(init, m, null);
    CliRun r =
        pretrain(
            tmp.resolve("nan-run"),
            "--init-from",
            init.toString(),
            "--max-consecutive-skipped",
            "3");
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("update skipped (1 in a row, 1 in all)"), r.out());
    assertTrue(r.out().contains("update skipped (3 in a row, 3 in all)"), r.out());
    assertTrue(r.err().contains("3 steps in a row had a non-finite loss or gradient"), r.err());
  }

  static String[] replace(List<String> args, String flag, String value) {
    List<String> a = new ArrayList<>(args);
    if (a.contains(flag)) {
      a.set(a.indexOf(flag) + 1, value);
    } else {
      a.addAll(List.of(flag, value));
    }
    return a.toArray(String[]::new);
  }

  static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static List<JsonNode> metrics(Path run) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      out.add(json.readTree(line));
    }
    return out;
  }

  static void assertClose(Path want, Path got) throws Exception {
    float[] a = ModelDirectory.load(want).parameters().flat().toFloatVector();
    float[] b = ModelDirectory.load(got).parameters().flat().toFloatVector();
    double max = 0, worst = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i]));
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    assertTrue(worst <= 1e-6 * max, "max |diff| " + worst + " vs max |param| " + max);
  }

  @Test
  void aRunStoppedBySigtermNamesTheCheckpointResumeContinuesFrom() throws Exception {
    Path stopped = tmp.resolve("stopped");
    Path log = tmp.resolve("stopped.log");
    // 40 steps: still running when the signal comes, whatever this machine's speed
    String[] args = replace(args(stopped), "--steps", "40");
    Process child = startChild(List.of(args), log);
    try {
      Path step2 = stopped.resolve("checkpoints/step-2");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (!Files.isDirectory(step2) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(child.isAlive(), "the child run ended before it could be stopped");
      child.destroy(); // SIGTERM, as kill and a cluster manager's stop send
      assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child did not stop");
    } finally {
      child.destroyForcibly();
    }
    String out = Files.readString(log);
    Matcher m =
        Pattern.compile(
                "pretrain: stopped after step (\\d+) of 40; the same command with --resume"
                    + " continues from (\\S+/checkpoints/step-(\\d+))(?: \\(steps (\\d+)-(\\d+) are"
                    + " redone\\))?\n")
            .matcher(out);
    assertTrue(m.find(), out);
    assertFalse(out.contains("pretrain: error"), "an error line beside the notice: " + out);
    int done = Integer.parseInt(m.group(1));
    int checkpointStep = Integer.parseInt(m.group(3));
    assertTrue(checkpointStep >= 2 && checkpointStep <= done && done < 40, out);
    if (done > checkpointStep) {
      assertEquals(checkpointStep + 1, Integer.parseInt(m.group(4)), out);
      assertEquals(done, Integer.parseInt(m.group(5)), out);
    } else {
      assertNull(m.group(4), out);
    }
    // what the notice promised is what --resume does
    List<String> resume = new ArrayList<>(List.of(args));
    resume.add("--resume");
    CliRun r = run(resume.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out()
            .contains("pretrain: resuming from " + m.group(2) + " (step " + checkpointStep + ")"),
        r.out());
    // steps before the one resumed from were logged by the stopped run, and done it was
    List<JsonNode> metrics = metrics(stopped);
    assertEquals(40, metrics.size(), "metrics.jsonl: one line per step, none twice");
    assertTrue(out.contains("step " + done + "/40 "), out);
    assertFalse(out.contains("step " + (done + 1) + "/40 "), out);
  }

  /** {@code albert args...} in a child JVM with this JVM's class path and module flags. */
  static Process startChild(List<String> args, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("--add-exports")
          || a.startsWith("--add-modules")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(AlbertCli.class.getName());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
