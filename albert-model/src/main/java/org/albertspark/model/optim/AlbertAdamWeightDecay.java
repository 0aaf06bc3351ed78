package org.albertspark.model.optim;

import java.nio.ByteBuffer;
import org.albertspark.model.params.ParameterLayout;

/**
 * ALBERT's (and BERT's) AdamWeightDecayOptimizer (google-research/albert optimization.py), per
 * element, in one pass:
 *
 * <pre>
 *   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g²          (no bias correction)
 *   u = m / (sqrt(v) + eps);   u += wd · p   unless the tensor is excluded (or wd = 0)
 *   p -= lr · u
 * </pre>
 */
public final class AlbertAdamWeightDecay extends AdamFamily {

  public AlbertAdamWeightDecay(ParameterLayout layout, OptimizerConfig config) {
    super(layout, config);
  }

  @Override
  public String name() {
    return "albert_adamw";
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
    OptimKernels.albertAdam(p, g, m, v, from, to, b1, c1, b2, c2, eps, wd, (float) lr);
  }
}
