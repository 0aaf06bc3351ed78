package org.albertspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The notice of a stopped run in its three cases (the SIGTERM test sees only one per run). */
class PretrainingRunStopMessageTest {

  @Test
  void namesTheCheckpointAndTheStepsToRedoOrSaysThereIsNone() {
    Path step4 = Path.of("/runs/a/checkpoints/step-4");
    assertEquals(
        "pretrain: stopped after step 6 of 10; the same command with --resume continues from"
            + " /runs/a/checkpoints/step-4 (steps 5-6 are redone)",
        PretrainingRun.stopMessage(6, 10, new PretrainingRun.Resumable(step4, 4)));
    assertEquals(
        "pretrain: stopped after step 4 of 10; the same command with --resume continues from"
            + " /runs/a/checkpoints/step-4",
        PretrainingRun.stopMessage(4, 10, new PretrainingRun.Resumable(step4, 4)));
    assertEquals(
        "pretrain: stopped after step 3 of 10; no checkpoint written yet (--checkpoint-every), so"
            + " a rerun starts from step 0",
        PretrainingRun.stopMessage(3, 10, new PretrainingRun.Resumable(null, 0)));
  }
}
