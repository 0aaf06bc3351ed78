package org.albertspark.model.optim;

import java.util.SplittableRandom;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;

/** Small layouts and seeded random tensors for the optimizer tests. */
final class OptimTestSupport {

  private OptimTestSupport() {}

  /**
   * A tiny pretraining layout (every kind of tensor: weights, biases, LayerNorms,
   * predictions.bias).
   */
  static ParameterLayout tinyLayout() {
    AlbertConfig c =
        AlbertConfig.fromJson(
            """
        {"vocab_size": 16, "embedding_size": 4, "hidden_size": 8, "num_hidden_layers": 2,
         "num_hidden_groups": 1, "num_attention_heads": 2, "intermediate_size": 12,
         "max_position_embeddings": 8, "architectures": ["AlbertForPreTraining"]}""");
    return ParameterLayout.of(c, ParameterLayout.Head.PRETRAINING);
  }

  /** Uniform in (-scale, scale), deterministic for the seed. */
  static FlatTensors random(ParameterLayout layout, long seed, double scale) {
    FlatTensors t = FlatTensors.zeros(layout);
    SplittableRandom rng = new SplittableRandom(seed);
    for (long i = 0; i < layout.totalSize(); i++) {
      t.memory().set(i, (float) ((rng.nextDouble() * 2 - 1) * scale));
    }
    return t;
  }

  static FlatTensors copy(FlatTensors t) {
    FlatTensors c = FlatTensors.zeros(t.layout());
    c.copyFrom(t);
    return c;
  }
}
