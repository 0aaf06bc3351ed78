package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code albert report}: the PNG, the equal-step and equal-time table, and its bad inputs. */
class ReportCommandTest {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};

  /**
   * A run logged every 10 steps, {@code stepSeconds} per step, MLM accuracy step / 1000; with
   * {@code resumedAt}, the window after it is a partial one of 5 steps (a resume mid-window).
   */
  private static Path metricsRun(Path dir, int lastStep, double stepSeconds, int resumedAt)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder lines = new StringBuilder();
    int previous = 0;
    for (int step = 10; step <= lastStep; step += 10) {
      int window = step - previous;
      if (step == resumedAt + 10) {
        step = resumedAt + 5;
        window = 5;
      }
      lines.append(
          String.format(
              "{\"step\":%d,\"loss\":%.3f,\"mlm_loss\":1.0,\"mlm_accuracy\":%.3f,\"sop_loss\":0.7,"
                  + "\"sop_accuracy\":0.5,\"lr\":1e-4,\"tokens_per_s\":100.0,\"step_s\":%s,"
                  + "\"steps_in_window\":%d}%n",
              step, 10.0 - step / 100.0, step / 1000.0, stepSeconds, window));
      previous = step;
    }
    Files.writeString(dir.resolve("metrics.jsonl"), lines, StandardCharsets.UTF_8);
    return dir;
  }

  private static void assertPng(Path png) throws IOException {
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
    assertArrayEquals(PNG_SIGNATURE, head, png + " is not a PNG");
  }

  /** The table's data rows: the lines after its header, up to the "wrote" line. */
  private static List<String> tableRows(String out) {
    List<String> lines = out.lines().toList();
    int header =
        lines.indexOf(
            lines.stream().filter(l -> l.startsWith("MLM accuracy")).findFirst().orElseThrow());
    return lines.subList(header + 2, header + 12);
  }

  @Test
  void oneRunDefaultsToTrainingCurvesPngInTheRunDirectory(@TempDir Path tmp) throws IOException {
    Path a = metricsRun(tmp.resolve("a"), 100, 2.0, -1);
    CliRun r = run("report", a.toString());
    assertEquals(0, r.exit(), r.err());
    assertPng(a.resolve("training-curves.png"));
    assertTrue(
        r.out().contains("[1] " + a + ": 10 records, step 10..100, 0.06 training hours"), r.out());
    assertTrue(r.out().contains("MLM acc 0.010 -> 0.100"), r.out());
    // 10 rows at steps 10, 20, ..., 100, each the record at that step with its training hours
    List<String> rows = tableRows(r.out());
    assertTrue(rows.get(0).matches(" *10  0\\.010 \\(0\\.01 h\\)"), rows.get(0));
    assertTrue(rows.get(9).matches(" *100  0\\.100 \\(0\\.06 h\\)"), rows.get(9));
  }

  @Test
  void twoRunsCompareAtEqualStepsAndAtEqualTrainingTime(@TempDir Path tmp) throws IOException {
    // b is twice as slow per step and shorter: at equal steps it is level with a, at equal
    // training time it has done half the steps
    Path a = metricsRun(tmp.resolve("a"), 200, 1.0, -1);
    Path b = metricsRun(tmp.resolve("b"), 100, 2.0, -1);
    Path png = tmp.resolve("ab.png");

    CliRun bySteps = run("report", a.toString(), b.toString(), "--output", png.toString());
    assertEquals(0, bySteps.exit(), bySteps.err());
    assertPng(png);
    List<String> rows = tableRows(bySteps.out());
    // up to the shorter run's end (step 100): both at step 100 have MLM 0.100, a after 100 s,
    // b after 200 s
    assertTrue(
        rows.get(9).matches(" *100  0\\.100 \\(0\\.03 h\\) +0\\.100 \\(0\\.06 h\\)"), rows.get(9));

    CliRun byTime =
        run("report", a.toString(), b.toString(), "--output", png.toString(), "--x", "hours");
    assertEquals(0, byTime.exit(), byTime.err());
    rows = tableRows(byTime.out());
    // both runs end at 200 s = 0.056 h: a at step 200, b at step 100
    assertTrue(
        rows.get(9).matches(" *0\\.06 h  0\\.200 \\(200\\) +0\\.100 \\(100\\)"), rows.get(9));
  }

  @Test
  void hoursCountAPartialWindowAfterAResumeByItsOwnSteps(@TempDir Path tmp) throws IOException {
    // logged at 10, 20, ..., 50, then 55 (5 steps after a resume at 50), then 65, ... 95
    Path a = metricsRun(tmp.resolve("a"), 100, 36.0, 50);
    CliRun r = run("report", a.toString(), "--x", "hours");
    assertEquals(0, r.exit(), r.err());
    // 95 steps of 36 s each = 0.95 h, whatever the window sizes
    assertTrue(r.out().contains("step 10..95, 0.95 training hours"), r.out());
  }

  @Test
  void badInputsAreUsageErrorsNamingTheProblem(@TempDir Path tmp) throws IOException {
    Path a = metricsRun(tmp.resolve("a"), 50, 1.0, -1);
    Path b = metricsRun(tmp.resolve("b"), 50, 1.0, -1);
    CliRun twoWithoutOutput = run("report", a.toString(), b.toString());
    assertEquals(2, twoWithoutOutput.exit());
    assertTrue(
        twoWithoutOutput.err().contains("2 RUN_DIRs need --output FILE.png"),
        twoWithoutOutput.err());

    CliRun notARun = run("report", tmp.toString());
    assertEquals(2, notARun.exit());
    assertTrue(notARun.err().contains("has no metrics.jsonl: not a pretrain run"), notARun.err());

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("metrics.jsonl"), "not json\n{\"loss\":1}\n");
    CliRun noRecords = run("report", empty.toString());
    assertEquals(2, noRecords.exit());
    assertTrue(noRecords.err().contains("line 1 skipped: not a metrics record"), noRecords.err());
    assertTrue(noRecords.err().contains("line 2 skipped: not a metrics record"), noRecords.err());
    assertTrue(noRecords.err().contains("holds no metrics records yet"), noRecords.err());

    CliRun badAxis = run("report", a.toString(), "--x", "minutes");
    assertEquals(2, badAxis.exit());
    assertTrue(badAxis.err().contains("step, hours"), badAxis.err());
  }
}
