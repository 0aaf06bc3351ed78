package org.albertspark.model.optim;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.albertspark.model.params.ParameterLayout;

/**
 * ALBERT's LAMB (google-research/albert lamb_optimizer.py), per tensor:
 *
 * <pre>
 *   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g²          (no bias correction)
 *   u = m / (sqrt(v) + eps);   u += wd · p   unless the tensor is excluded from decay (or wd = 0)
 *   r = ||p|| / ||u|| if both norms > 0, else 1;   r = 1 if the tensor is excluded from adaptation
 *   p -= lr · r · u
 * </pre>
 *
 * As in the reference, the tensors excluded from layer adaptation are those excluded from weight
 * decay unless a separate rule is given. Norms are accumulated in double. The update is not stored:
 * a first pass updates the moments and accumulates the two norms, a second recomputes u (bit for
 * bit the same) and applies it, so no scratch buffer exists and the gradients are left as they are.
 * Squares are formed in float32 and summed in float lanes over short blocks, then in double.
 */
public final class Lamb extends AdamFamily {

  /** adapts[i]: the trust ratio applies to entries.get(i). */
  private final boolean[] adapts;

  private final ExclusionRule adaptationExclusion;

  /** Scratch for the two squared norms of a tensor (allocated once). */
  private final double[] norms2 = new double[2];

  public Lamb(ParameterLayout layout, OptimizerConfig config) {
    this(layout, config, config.exclusion());
  }

  /** With a separate rule for the trust ratio (the reference's exclude_from_layer_adaptation). */
  public Lamb(ParameterLayout layout, OptimizerConfig config, ExclusionRule adaptationExclusion) {
    super(layout, config);
    this.adaptationExclusion = Objects.requireNonNull(adaptationExclusion, "adaptationExclusion");
    this.adapts = new boolean[entries.size()];
    for (int i = 0; i < adapts.length; i++) {
      adapts[i] = !adaptationExclusion.excludes(entries.get(i).name());
    }
  }

  /** Whether the trust ratio applies to tensor {@code name}. */
  public boolean adapts(String name) {
    return adapts[indexOf(name)];
  }

  public ExclusionRule adaptationExclusion() {
    return adaptationExclusion;
  }

  @Override
  public String name() {
    return "lamb";
  }

  @Override
  protected void update(
      int index,
      ByteBuffer p,
      ByteBuffer g,
      ByteBuffer m,
      ByteBuffer v,
      int from,
      int to,
      double lr) {
    final float wd = decayRate(index);
    if (!adapts[index]) {
      // No trust ratio: one fused pass.
      OptimKernels.albertAdam(p, g, m, v, from, to, b1, c1, b2, c2, eps, wd, (float) lr);
      return;
    }
    OptimKernels.lambMomentsAndNorms(p, g, m, v, from, to, b1, c1, b2, c2, eps, wd, norms2);
    double pNorm2 = norms2[0], uNorm2 = norms2[1];
    double ratio = pNorm2 > 0 && uNorm2 > 0 ? Math.sqrt(pNorm2) / Math.sqrt(uNorm2) : 1.0;
    OptimKernels.lambApply(p, m, v, from, to, eps, wd, (float) (ratio * lr));
  }
}
