package org.albertspark.model.optim;

/**
 * ALBERT's learning rate (optimization.py create_optimizer) as a pure function of the global step,
 * i.e. the number of updates already applied (0 for the first update):
 *
 * <pre>
 *   decayed(s) = (init - end) · (1 - min(s, numTrainSteps) / numTrainSteps)^power + end
 *   lr(s)      = init · (s - startWarmupStep) / numWarmupSteps   if numWarmupSteps > 0 and
 *                                                                   s - startWarmupStep < numWarmupSteps
 *              = decayed(s)                                       otherwise
 * </pre>
 *
 * The decay runs on the global step itself, not on the steps after warmup: at the end of warmup the
 * rate is {@code decayed(numWarmupSteps)}, slightly below {@code init}. The first update (s = 0)
 * gets lr 0 when there is warmup. As in the reference, a step before {@code startWarmupStep} counts
 * as warmup and gets a negative rate; with the default start of 0 that cannot happen.
 *
 * @param initialLearningRate init_lr
 * @param numTrainSteps decay_steps of the polynomial decay (> 0)
 * @param numWarmupSteps 0 for no warmup
 * @param endLearningRate end of the decay (ALBERT: 0)
 * @param power power of the decay (ALBERT: poly_power, default 1 = linear)
 * @param startWarmupStep ALBERT's start_warmup_step (default 0)
 */
public record LearningRateSchedule(
    double initialLearningRate,
    long numTrainSteps,
    long numWarmupSteps,
    double endLearningRate,
    double power,
    long startWarmupStep) {

  public LearningRateSchedule {
    if (!Double.isFinite(initialLearningRate) || initialLearningRate < 0) {
      throw new IllegalArgumentException(
          "learning rate must be finite and >= 0, got " + initialLearningRate);
    }
    if (numTrainSteps <= 0) {
      throw new IllegalArgumentException("num_train_steps must be > 0, got " + numTrainSteps);
    }
    if (numWarmupSteps < 0) {
      throw new IllegalArgumentException("num_warmup_steps must be >= 0, got " + numWarmupSteps);
    }
    if (!Double.isFinite(endLearningRate) || endLearningRate < 0) {
      throw new IllegalArgumentException(
          "end learning rate must be finite and >= 0, got " + endLearningRate);
    }
    if (!(power > 0) || Double.isInfinite(power)) {
      throw new IllegalArgumentException("power must be finite and > 0, got " + power);
    }
    if (startWarmupStep < 0) {
      throw new IllegalArgumentException("start_warmup_step must be >= 0, got " + startWarmupStep);
    }
  }

  /** ALBERT's defaults: linear decay to 0 over {@code numTrainSteps}, warmup from step 0. */
  public static LearningRateSchedule albert(
      double initialLearningRate, long numTrainSteps, long numWarmupSteps) {
    return new LearningRateSchedule(
        initialLearningRate, numTrainSteps, numWarmupSteps, 0.0, 1.0, 0);
  }

  /** The rate for the update at global step {@code step} (0-based). */
  public double at(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    if (numWarmupSteps > 0) {
      long warm = step - startWarmupStep;
      if (warm < numWarmupSteps) {
        return initialLearningRate * ((double) warm / (double) numWarmupSteps);
      }
    }
    double p = (double) Math.min(step, numTrainSteps) / (double) numTrainSteps;
    return (initialLearningRate - endLearningRate) * Math.pow(1 - p, power) + endLearningRate;
  }
}
