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
      int index, ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int to, double lr) {
    final float b1 = (float) config.beta1(), c1 = (float) (1 - config.beta1());
    final float b2 = (float) config.beta2(), c2 = (float) (1 - config.beta2());
    final float eps = (float) config.epsilon();
    final float wd = decays[index] ? (float) config.weightDecay() : 0f;
    OptimKernels.albertAdam(p, g, m, v, from, to, b1, c1, b2, c2, eps, wd, (float) lr);
  }
}
