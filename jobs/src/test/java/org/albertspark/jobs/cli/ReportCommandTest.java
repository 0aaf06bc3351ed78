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
   * A run of {@code lastStep} steps logged every {@code logEvery}, {@code stepSeconds} per step,
   * MLM accuracy step / 1000. With {@code resumedAt} (a multiple of {@code logEvery}, or -1), the
   * run was resumed from a checkpoint 5 steps past it, so the next record's window holds only the 5
   * steps after the checkpoint.
   */
  private static Path metricsRun(
      Path dir, int lastStep, int logEvery, double stepSeconds, int resumedAt) throws IOException {
    Files.createDirectories(dir);
    StringBuilder lines = new StringBuilder();
    for (int step = logEvery; step <= lastStep; step += logEvery) {
      int window = step == resumedAt + logEvery ? 5 : logEvery;
      lines.append(
          String.format(
              "{\"step\":%d,\"loss\":%.3f,\"mlm_loss\":1.0,\"mlm_accuracy\":%.3f,\"sop_loss\":0.7,"
                  + "\"sop_accuracy\":0.5,\"lr\":1e-4,\"tokens_per_s\":100.0,\"step_s\":%s,"
                  + "\"steps_in_window\":%d}%n",
              step, 10.0 - step / 100.0, step / 1000.0, stepSeconds, window));
    }
    Files.writeString(dir.resolve("metrics.jsonl"), lines, StandardCharsets.UTF_8);
    return dir;
  }

  private static Path metricsRun(Path dir, int lastStep, double stepSeconds) throws IOException {
    return metricsRun(dir, lastStep, 10, stepSeconds, -1);
  }

  private static void assertPng(Path png) throws IOException {
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
    assertArrayEquals(PNG_SIGNATURE, head, png + " is not a PNG");
  }

  /** The table's 10 data rows, blanks collapsed: the lines after its title and header. */
  private static List<String> tableRows(String out) {
    List<String> lines = out.lines().toList();
    int title = 0;
    while (!lines.get(title).startsWith("MLM accuracy at equal")) {
      title++;
    }
    return lines.subList(title + 2, title + 12).stream()
        .map(l -> l.strip().replaceAll(" {2,}", " | "))
        .toList();
  }

  @Test
  void oneRunDefaultsToTrainingCurvesPngInTheRunDirectory(@TempDir Path tmp) throws IOException {
    Path a = metricsRun(tmp.resolve("a"), 100, 2.0);
    CliRun r = run("report", a.toString());
    assertEquals(0, r.exit(), r.err());
    assertPng(a.resolve("training-curves.png"));
    assertTrue(
        r.out().contains("[1] " + a + ": 10 records, step 10..100, 0.0556 training hours"),
        r.out());
    assertTrue(r.out().contains("MLM acc 0.010 -> 0.100"), r.out());
    List<String> rows = tableRows(r.out());
    assertEquals("10 | 0.010 (10, 0.00556 h)", rows.get(0));
    assertEquals("100 | 0.100 (100, 0.0556 h)", rows.get(9));
  }

  @Test
  void twoRunsCompareAtEqualStepsAndAtEqualTrainingTime(@TempDir Path tmp) throws IOException {
    // b is twice as slow per step and shorter: at equal steps it is level with a, at equal
    // training time it has done half the steps
    Path a = metricsRun(tmp.resolve("a"), 200, 1.0);
    Path b = metricsRun(tmp.resolve("b"), 100, 2.0);
    Path png = tmp.resolve("ab.png");

    CliRun bySteps = run("report", a.toString(), b.toString(), "--output", png.toString());
    assertEquals(0, bySteps.exit(), bySteps.err());
    assertPng(png);
    assertTrue(bySteps.out().contains("[2] " + b + ": 10 records"), bySteps.out());
    // the table ends where the shorter run does (step 100)
    List<String> rows = tableRows(bySteps.out());
    assertEquals("10 | 0.010 (10, 0.00278 h) | 0.010 (10, 0.00556 h)", rows.get(0));
    assertEquals("100 | 0.100 (100, 0.0278 h) | 0.100 (100, 0.0556 h)", rows.get(9));

    CliRun byTime =
        run("report", a.toString(), b.toString(), "--output", png.toString(), "--x", "hours");
    assertEquals(0, byTime.exit(), byTime.err());
    rows = tableRows(byTime.out());
    // both end at 200 s: a at step 200, b at step 100; at 20 s, a is at step 20, b at step 10
    assertEquals("0.00556 h | 0.020 (20, 0.00556 h) | 0.010 (10, 0.00556 h)", rows.get(0));
    assertEquals("0.0556 h | 0.200 (200, 0.0556 h) | 0.100 (100, 0.0556 h)", rows.get(9));
  }

  @Test
  void aCellIsTheLastRecordAtOrBeforeItsPointOrADash(@TempDir Path tmp) throws IOException {
    Path often = metricsRun(tmp.resolve("often"), 100, 10, 1.0, -1);
    Path rarely = metricsRun(tmp.resolve("rarely"), 100, 40, 1.0, -1); // steps 40, 80
    CliRun r = run("report", often.toString(), rarely.toString(), "--output", tmp + "/x.png");
    assertEquals(0, r.exit(), r.err());
    List<String> rows = tableRows(r.out());
    // the shorter log ends at step 80: rows at 8, 16, ..., 80
    assertEquals("8 | - | -", rows.get(0));
    assertEquals("16 | 0.010 (10, 0.00278 h) | -", rows.get(1));
    assertEquals("48 | 0.040 (40, 0.0111 h) | 0.040 (40, 0.0111 h)", rows.get(5));
    assertEquals("80 | 0.080 (80, 0.0222 h) | 0.080 (80, 0.0222 h)", rows.get(9));
  }

  @Test
  void hoursCountAPartialWindowAfterAResumeByItsOwnSteps(@TempDir Path tmp) throws IOException {
    // records at 10, ..., 50, then 60 holding only 5 steps (resumed from a checkpoint at 55),
    // then 70, ..., 100: 95 steps of 36 s = 0.95 h (counting by step differences would say 1.00)
    Path a = metricsRun(tmp.resolve("a"), 100, 10, 36.0, 50);
    CliRun r = run("report", a.toString(), "--x", "hours");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("step 10..100, 0.950 training hours"), r.out());
  }

  @Test
  void recordsWithoutStepTimeFailHoursAndAreNamedOnStepAxis(@TempDir Path tmp) throws IOException {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Files.writeString(
        a.resolve("metrics.jsonl"),
        "{\"step\":10,\"mlm_accuracy\":0.1,\"step_s\":2.0}\n{\"step\":20,\"mlm_accuracy\":0.2}\n");
    CliRun hours = run("report", a.toString(), "--x", "hours");
    assertEquals(2, hours.exit());
    assertTrue(
        hours.err().contains("1 record(s) without step_s: its training hours are unknown"),
        hours.err());
    CliRun steps = run("report", a.toString());
    assertEquals(0, steps.exit(), steps.err());
    assertTrue(
        steps.err().contains("1 record(s) without step_s: its training hours are counted without"),
        steps.err());
  }

  @Test
  void badInputsAreUsageErrorsNamingTheProblem(@TempDir Path tmp) throws IOException {
    Path a = metricsRun(tmp.resolve("a"), 50, 1.0);
    Path b = metricsRun(tmp.resolve("b"), 50, 1.0);
    CliRun twoWithoutOutput = run("report", a.toString(), b.toString());
    assertEquals(2, twoWithoutOutput.exit());
    assertTrue(
        twoWithoutOutput.err().contains("2 RUN_DIRs need --output FILE.png"),
        twoWithoutOutput.err());

    CliRun sameTwice = run("report", a.toString(), a.toString(), "--output", tmp + "/aa.png");
    assertEquals(0, sameTwice.exit(), sameTwice.err());

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

    Path joined = Files.createDirectories(tmp.resolve("joined"));
    Files.writeString(joined.resolve("metrics.jsonl"), "{\"step\":20}\n{\"step\":10}\n");
    CliRun backwards = run("report", joined.toString());
    assertEquals(2, backwards.exit());
    assertTrue(
        backwards.err().contains("line 2: step 10 does not follow step 20: not one run's log"),
        backwards.err());

    CliRun badAxis = run("report", a.toString(), "--x", "minutes");
    assertEquals(2, badAxis.exit());
    assertTrue(badAxis.err().contains("step, hours"), badAxis.err());
  }
}
