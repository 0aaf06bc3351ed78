package org.albertspark.model.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Values of ALBERT's warmup + polynomial decay at known steps (exact up to double rounding). */
class LearningRateScheduleTest {

  private static final double EPS = 1e-15;

  @Test
  void warmupThenLinearDecayOnTheGlobalStep() {
    LearningRateSchedule s = LearningRateSchedule.albert(1e-3, 100, 10);
    assertEquals(0.0, s.at(0), EPS); // first update: global_step 0 / warmup
    assertEquals(1e-4, s.at(1), EPS);
    assertEquals(5e-4, s.at(5), EPS);
    assertEquals(9e-4, s.at(9), EPS);
    // After warmup the decay uses the global step itself: 1e-3 * (1 - 10/100), not 1e-3.
    assertEquals(9e-4, s.at(10), EPS);
    assertEquals(4.5e-4, s.at(55), EPS);
    assertEquals(1e-5, s.at(99), EPS);
    assertEquals(0.0, s.at(100), EPS);
    assertEquals(0.0, s.at(1000), EPS); // cycle=False: min(step, decay_steps)
  }

  @Test
  void noWarmupStartsAtTheInitialRate() {
    LearningRateSchedule s = LearningRateSchedule.albert(0.00176, 125_000, 0);
    assertEquals(0.00176, s.at(0), EPS);
    assertEquals(0.00176 * (1 - 3125.0 / 125_000), s.at(3125), EPS);
  }

  @Test
  void albertPretrainingDefaults() {
    // run_pretraining: learning_rate 0.00176, num_train_steps 125000, num_warmup_steps 3125.
    LearningRateSchedule s = LearningRateSchedule.albert(0.00176, 125_000, 3125);
    assertEquals(0.00176 * 3124 / 3125, s.at(3124), EPS);
    assertEquals(0.00176 * (1 - 3125.0 / 125_000), s.at(3125), EPS);
    assertEquals(0.00176 * (1 - 62_500.0 / 125_000), s.at(62_500), EPS);
  }

  @Test
  void powerAndEndRate() {
    LearningRateSchedule s = new LearningRateSchedule(1.0, 10, 0, 0.1, 2.0, 0);
    assertEquals(1.0, s.at(0), EPS);
    assertEquals(0.9 * 0.25 + 0.1, s.at(5), EPS);
    assertEquals(0.1, s.at(10), EPS);
    assertEquals(0.1, s.at(11), EPS);
  }

  @Test
  void startWarmupStepShiftsOnlyTheWarmup() {
    LearningRateSchedule s = new LearningRateSchedule(1e-3, 100, 10, 0.0, 1.0, 20);
    assertEquals(0.0, s.at(20), EPS);
    assertEquals(5e-4, s.at(25), EPS);
    assertEquals(1e-3 * (1 - 30.0 / 100), s.at(30), EPS);
    // As the reference: steps before start_warmup_step count as warmup, with a negative rate.
    assertEquals(-1e-4, s.at(19), EPS);
  }

  @Test
  void isAPureFunctionOfTheStep() {
    LearningRateSchedule s = LearningRateSchedule.albert(1e-3, 100, 10);
    double a = s.at(42);
    s.at(7);
    assertEquals(a, s.at(42), 0.0);
    assertEquals(s, LearningRateSchedule.albert(1e-3, 100, 10));
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.albert(1e-3, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.albert(1e-3, 10, -1));
    assertThrows(
        IllegalArgumentException.class, () -> LearningRateSchedule.albert(Double.NaN, 10, 1));
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1, 10, 1, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> LearningRateSchedule.albert(1e-3, 10, 1).at(-1));
  }
}
