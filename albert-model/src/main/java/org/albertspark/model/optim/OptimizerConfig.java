package org.albertspark.model.optim;

import java.util.Objects;

/**
 * Hyperparameters of the Adam-family optimizers (the learning rate is passed to every step, from a
 * {@link LearningRateSchedule}).
 *
 * @param beta1 first-moment decay
 * @param beta2 second-moment decay
 * @param epsilon added to the denominator (after the square root)
 * @param weightDecay decoupled weight-decay rate; 0 disables decay everywhere
 * @param exclusion tensors excluded from weight decay (and from LAMB's trust ratio)
 */
public record OptimizerConfig(
    double beta1, double beta2, double epsilon, double weightDecay, ExclusionRule exclusion) {

  public OptimizerConfig {
    Objects.requireNonNull(exclusion, "exclusion");
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
    }
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and >= 0, got " + epsilon);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weight decay must be finite and >= 0, got " + weightDecay);
    }
  }

  /**
   * ALBERT's settings for both LAMB and AdamWeightDecay (optimization.py create_optimizer): betas
   * 0.9/0.999, epsilon 1e-6, weight decay 0.01, LayerNorm/layer_norm/bias excluded.
   */
  public static OptimizerConfig albert() {
    return new OptimizerConfig(0.9, 0.999, 1e-6, 0.01, ExclusionRule.ALBERT);
  }

  /** torch.optim.AdamW's defaults (betas 0.9/0.999, eps 1e-8, weight decay 0.01 on everything). */
  public static OptimizerConfig torchDefaults() {
    return new OptimizerConfig(0.9, 0.999, 1e-8, 0.01, ExclusionRule.NONE);
  }

  public OptimizerConfig withWeightDecay(double wd) {
    return new OptimizerConfig(beta1, beta2, epsilon, wd, exclusion);
  }

  public OptimizerConfig withEpsilon(double eps) {
    return new OptimizerConfig(beta1, beta2, eps, weightDecay, exclusion);
  }

  public OptimizerConfig withExclusion(ExclusionRule rule) {
    return new OptimizerConfig(beta1, beta2, epsilon, weightDecay, rule);
  }
}
