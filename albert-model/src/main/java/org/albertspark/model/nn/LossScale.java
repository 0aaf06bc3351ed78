package org.albertspark.model.nn;

/**
 * Multipliers that turn loss sums into the objective being differentiated: with 1/count of each
 * loss, the gradient is that of HF's mean losses. Data-parallel training passes 1/global count.
 */
public record LossScale(double mlm, double sop, double classification) {

  /** The gradient of this batch's own mean losses. */
  public static LossScale meanOf(Losses l) {
    return new LossScale(inverse(l.mlmCount()), inverse(l.sopCount()), inverse(l.clsCount()));
  }

  private static double inverse(long n) {
    return n == 0 ? 0 : 1.0 / n;
  }
}
