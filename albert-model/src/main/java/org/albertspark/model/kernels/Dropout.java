package org.albertspark.model.kernels;

import java.util.SplittableRandom;
import org.albertspark.model.tensor.Slice;

/** Inverted dropout masks: 0 with probability p, else 1/(1−p), drawn from a seeded generator. */
public final class Dropout {

  private Dropout() {}

  public static void fillMask(Slice mask, long n, double p, SplittableRandom rng) {
    float keep = (float) (1.0 / (1.0 - p));
    for (long i = 0; i < n; i++) {
      mask.set(i, rng.nextDouble() < p ? 0f : keep);
    }
  }
}
