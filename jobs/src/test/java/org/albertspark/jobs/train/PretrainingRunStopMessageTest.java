package org.albertspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.albertspark.jobs.train.PretrainingRun.Progress;
import org.junit.jupiter.api.Test;

/** The notice of a stopped run in each of its cases (a SIGTERM test meets only one per run). */
class PretrainingRunStopMessageTest {

  static final Path STEP4 = Path.of("/runs/a/checkpoints/step-4");

  @Test
  void namesTheCheckpointAndTheStepsAResumeRedoes() {
    assertEquals(
        "pretrain: stopped after step 6 of 10; the same command with --resume continues from"
            + " /runs/a/checkpoints/step-4 (steps 5-6 are redone)",
        PretrainingRun.stopMessage(new Progress(6, STEP4, 4), 10, 2));
    assertEquals(
        "pretrain: stopped after step 4 of 10; the same command with --resume continues from"
            + " /runs/a/checkpoints/step-4",
        PretrainingRun.stopMessage(new Progress(4, STEP4, 4), 10, 2));
  }

  @Test
  void beforeTheFirstCheckpointSaysWhenItComesAndThatAResumeStartsOver() {
    assertEquals(
        "pretrain: stopped after step 3 of 10; no checkpoint yet (the first comes at step 4), so"
            + " the same command with --resume starts again from step 0",
        PretrainingRun.stopMessage(new Progress(3, null, 0), 10, 4));
    assertEquals(
        "pretrain: stopped after step 3 of 10; no checkpoint yet (--checkpoint-every 0: only the"
            + " last step writes one), so the same command with --resume starts again from step 0",
        PretrainingRun.stopMessage(new Progress(3, null, 0), 10, 0));
  }

  @Test
  void afterAStepTheCheckpointStaysWhereItWas() {
    assertEquals(new Progress(7, STEP4, 4), new Progress(5, STEP4, 4).afterStep(7));
  }
}
