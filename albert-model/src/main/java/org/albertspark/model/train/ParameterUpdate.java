package org.albertspark.model.train;

import java.util.Objects;
import org.albertspark.model.optim.GradientClipping;
import org.albertspark.model.optim.LearningRateSchedule;
import org.albertspark.model.optim.Optimizer;
import org.albertspark.model.params.FlatTensors;

/**
 * The update half of a training step, given the gradient of the global batch's mean losses (the
 * workers' gradients summed): clip by global norm, learning rate of the step from the schedule,
 * optimizer step. A non-finite loss or gradient norm skips the update and leaves the parameters and
 * the optimizer's moments untouched.
 *
 * @param clipNorm maximum global gradient norm; 0 disables clipping
 */
public record ParameterUpdate(Optimizer optimizer, LearningRateSchedule schedule, double clipNorm) {

  public ParameterUpdate {
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(schedule, "schedule");
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clip norm must be finite and >= 0, got " + clipNorm);
    }
  }

  /**
   * What an update did.
   *
   * @param gradNorm global norm before clipping (non-finite when skipped for that reason)
   * @param learningRate the schedule's rate for the step
   * @param applied false when the step was skipped for a non-finite loss or gradient
   */
  public record Result(double gradNorm, double learningRate, boolean applied) {}

  /**
   * Updates {@code params} from {@code grads} (clipped in place) for global step {@code step}
   * (0-based: updates attempted before this one, skipped ones included, so the schedule follows the
   * data seen). {@code loss} is the step's total loss, checked for finiteness.
   */
  public Result apply(FlatTensors params, FlatTensors grads, long step, double loss) {
    double lr = schedule.at(step);
    double norm =
        clipNorm > 0
            ? GradientClipping.clipByGlobalNorm(grads, clipNorm)
            : GradientClipping.globalNorm(grads);
    if (!Double.isFinite(norm) || !Double.isFinite(loss)) {
      return new Result(norm, lr, false);
    }
    optimizer.step(params, grads, lr);
    return new Result(norm, lr, true);
  }
}
