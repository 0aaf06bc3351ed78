package org.albertspark.model.optim;

import org.albertspark.model.params.FlatTensors;

/** Clipping of a whole gradient by its global L2 norm (TF's {@code tf.clip_by_global_norm}). */
public final class GradientClipping {

  private GradientClipping() {}

  /**
   * The L2 norm of every tensor of {@code grads} taken together, i.e. sqrt of the sum of squares
   * over the flat buffer: squares in float32, summed in float lanes over short blocks and then in
   * double.
   */
  public static double globalNorm(FlatTensors grads) {
    return Math.sqrt(
        OptimKernels.sumSquares(
            grads.memory().bytes(), 0, Math.toIntExact(grads.layout().totalSize() << 2)));
  }

  /**
   * Scales {@code grads} in place by {@code maxNorm / max(globalNorm, maxNorm)} and returns the
   * global norm before clipping. A gradient whose norm is at most {@code maxNorm} is left exactly
   * as it is. If the norm is not finite (an inf or NaN somewhere) the gradients are left untouched
   * and the non-finite norm is returned, so the caller can skip the step; TF would instead turn
   * every gradient into NaN.
   */
  public static double clipByGlobalNorm(FlatTensors grads, double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("maxNorm must be finite and > 0, got " + maxNorm);
    }
    double norm = globalNorm(grads);
    if (!Double.isFinite(norm) || norm <= maxNorm) {
      return norm;
    }
    scale(grads, (float) (maxNorm / norm));
    return norm;
  }

  /** Multiplies every float of {@code t} by {@code factor}, in place. */
  public static void scale(FlatTensors t, float factor) {
    OptimKernels.scale(t.memory().bytes(), 0, Math.toIntExact(t.layout().totalSize() << 2), factor);
  }
}
