package org.albertspark.model.optim;

import java.nio.ByteBuffer;
import org.albertspark.model.params.ParameterLayout;

/**
 * torch.optim.AdamW (the default single-tensor path, amsgrad off), per element, in one pass, with t
 * = {@link #stepCount()} after this step's increment:
 *
 * <pre>
 *   p *= 1 - lr · wd                                   (decoupled decay, first, on the old p)
 *   m = lerp(m, g, 1 - b1);   v = b2 v + (1 - b2) g²
 *   bc1 = 1 - b1^t;   bc2 = 1 - b2^t                   (in double, as Python does)
 *   denom = sqrt(v) / sqrt(bc2) + eps                  (eps added after the square root)
 *   p -= (lr / bc1) · m / denom
 * </pre>
 *
 * Decay applies to every tensor, as torch does with one parameter group, unless the config's
 * exclusion rule names some (the usual "no decay for bias and LayerNorm" parameter groups).
 */
public final class AdamW extends AdamFamily {

  public AdamW(ParameterLayout layout, OptimizerConfig config) {
    super(layout, config);
  }

  @Override
  public String name() {
    return "torch_adamw";
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
    final double t = steps;
    final double bc1 = 1 - Math.pow(config.beta1(), t);
    final double bc2 = 1 - Math.pow(config.beta2(), t);
    final float decay = decays[index] ? (float) (1 - lr * config.weightDecay()) : 1f;
    final float bc2Sqrt = (float) Math.sqrt(bc2);
    final float negStep = (float) -(lr / bc1);
    OptimKernels.torchAdamW(p, g, m, v, from, to, decay, c1, b2, c2, bc2Sqrt, eps, negStep);
  }
}
