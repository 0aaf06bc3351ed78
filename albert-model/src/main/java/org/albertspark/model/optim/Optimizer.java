package org.albertspark.model.optim;

import java.util.Locale;
import java.util.Map;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;

/**
 * Updates parameters in place from their gradients. Parameters, gradients and the optimizer's
 * moments are {@link FlatTensors} of one {@link ParameterLayout}; a step allocates nothing.
 *
 * <p>Checkpointing: {@link #state()} exposes the moments (live views, write them out as they are)
 * and {@link #stepCount()} the number of steps taken; {@link #restore} puts both back.
 */
public interface Optimizer {

  /**
   * One update of every tensor of {@code params} from {@code grads} (same layout), with learning
   * rate {@code learningRate} (e.g. {@link LearningRateSchedule#at} of {@link #stepCount()}).
   * Clipping, if wanted, is the caller's: {@link GradientClipping#clipByGlobalNorm}.
   */
  void step(FlatTensors params, FlatTensors grads, double learningRate);

  /** Steps taken so far (0 before the first; restored by {@link #restore}). */
  long stepCount();

  /** The moments by name ("m", "v"): live views of the optimizer's buffers, not copies. */
  Map<String, FlatTensors> state();

  /**
   * Copies the moments of a checkpoint into this optimizer's buffers and sets the step counter.
   * {@code state} must hold exactly the names of {@link #state()}, each with this layout's size.
   */
  void restore(Map<String, FlatTensors> state, long stepCount);

  ParameterLayout layout();

  OptimizerConfig config();

  /** "lamb", "albert_adamw" or "torch_adamw" (what {@link #create} accepts). */
  String name();

  /** The optimizer called {@code name} ("lamb", "albert_adamw"/"adamw", "torch_adamw"). */
  static Optimizer create(String name, ParameterLayout layout, OptimizerConfig config) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "lamb" -> new Lamb(layout, config);
      case "albert_adamw", "adamw", "adam_weight_decay" ->
          new AlbertAdamWeightDecay(layout, config);
      case "torch_adamw" -> new AdamW(layout, config);
      default ->
          throw new IllegalArgumentException(
              "unknown optimizer '" + name + "' (expected lamb, albert_adamw or torch_adamw)");
    };
  }
}
