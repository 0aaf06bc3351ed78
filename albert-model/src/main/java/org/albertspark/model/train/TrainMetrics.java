package org.albertspark.model.train;

import java.io.Serializable;
import org.albertspark.model.nn.Losses;

/**
 * What one or more micro-batches measured: loss sums, counts and correct predictions per head.
 * Sums, so that workers' metrics add up ({@link #plus}) to those of the whole global batch.
 */
public record TrainMetrics(
    double mlmSum,
    long mlmCount,
    long mlmCorrect,
    double sopSum,
    long sopCount,
    long sopCorrect,
    double clsSum,
    long clsCount,
    long clsCorrect,
    long tokens)
    implements Serializable {

  public static final TrainMetrics NONE = new TrainMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** Metrics of a forward pass: its losses, the correct-prediction counts and the real tokens. */
  public static TrainMetrics of(
      Losses l, long mlmCorrect, long sopCorrect, long clsCorrect, long tokens) {
    return new TrainMetrics(
        l.mlmSum(),
        l.mlmCount(),
        mlmCorrect,
        l.sopSum(),
        l.sopCount(),
        sopCorrect,
        l.clsSum(),
        l.clsCount(),
        clsCorrect,
        tokens);
  }

  public Losses losses() {
    return new Losses(mlmSum, mlmCount, sopSum, sopCount, clsSum, clsCount);
  }

  public TrainMetrics plus(TrainMetrics o) {
    return new TrainMetrics(
        mlmSum + o.mlmSum,
        mlmCount + o.mlmCount,
        mlmCorrect + o.mlmCorrect,
        sopSum + o.sopSum,
        sopCount + o.sopCount,
        sopCorrect + o.sopCorrect,
        clsSum + o.clsSum,
        clsCount + o.clsCount,
        clsCorrect + o.clsCorrect,
        tokens + o.tokens);
  }

  public double mlmAccuracy() {
    return ratio(mlmCorrect, mlmCount);
  }

  public double sopAccuracy() {
    return ratio(sopCorrect, sopCount);
  }

  /** Classification accuracy (meaningless for regression, where clsCorrect stays 0). */
  public double clsAccuracy() {
    return ratio(clsCorrect, clsCount);
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : (double) a / b;
  }
}
