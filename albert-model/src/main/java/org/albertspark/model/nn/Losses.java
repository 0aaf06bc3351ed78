package org.albertspark.model.nn;

/**
 * Loss sums and the number of terms in each: a data-parallel step adds these over workers and
 * divides by the global counts, which is exactly the single-machine mean.
 */
public record Losses(
    double mlmSum, long mlmCount, double sopSum, long sopCount, double clsSum, long clsCount) {

  public static final Losses NONE = new Losses(0, 0, 0, 0, 0, 0);

  /** Mean masked-LM cross-entropy (0 when nothing was masked). */
  public double mlmLoss() {
    return mlmCount == 0 ? 0 : mlmSum / mlmCount;
  }

  public double sopLoss() {
    return sopCount == 0 ? 0 : sopSum / sopCount;
  }

  /** Mean classification loss (cross-entropy, or squared error for regression). */
  public double classificationLoss() {
    return clsCount == 0 ? 0 : clsSum / clsCount;
  }

  /** HF's total: mlm + sop for pretraining, the classification loss otherwise. */
  public double total() {
    return mlmLoss() + sopLoss() + classificationLoss();
  }

  public Losses plus(Losses o) {
    return new Losses(
        mlmSum + o.mlmSum,
        mlmCount + o.mlmCount,
        sopSum + o.sopSum,
        sopCount + o.sopCount,
        clsSum + o.clsSum,
        clsCount + o.clsCount);
  }
}
