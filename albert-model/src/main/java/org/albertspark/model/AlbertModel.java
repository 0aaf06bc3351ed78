package org.albertspark.model;

import java.util.SplittableRandom;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;

/**
 * A loaded ALBERT model: its config, which heads it carries, and its parameters. Immutable apart
 * from the parameter values an optimizer updates; forward and backward passes keep their working
 * memory in a separate {@link org.albertspark.model.nn.Workspace}, so one model serves many
 * threads.
 */
public final class AlbertModel {

  private final AlbertConfig config;
  private final Head head;
  private final FlatTensors parameters;

  public AlbertModel(AlbertConfig config, Head head, FlatTensors parameters) {
    if (parameters.layout().totalSize() != ParameterLayout.of(config, head).totalSize()) {
      throw new IllegalArgumentException(
          "parameters do not have the layout of this config and head");
    }
    this.config = config;
    this.head = head;
    this.parameters = parameters;
  }

  /** The head a config's "architectures" names: sequence classification, else pretraining. */
  public static Head headOf(AlbertConfig config) {
    return config.isSequenceClassification() ? Head.SEQUENCE_CLASSIFICATION : Head.PRETRAINING;
  }

  /**
   * A freshly initialized model as HF initializes one: weights ~ N(0, initializer_range), biases 0,
   * LayerNorm weights 1, the padding row of the word embeddings 0. Deterministic for a seed.
   */
  public static AlbertModel initialize(AlbertConfig config, Head head, long seed) {
    ParameterLayout layout = ParameterLayout.of(config, head);
    FlatTensors p = FlatTensors.zeros(layout);
    SplittableRandom rng = new SplittableRandom(seed);
    for (ParameterLayout.Entry e : layout.entries()) {
      initialize(config, p, e, rng);
    }
    return new AlbertModel(config, head, p);
  }

  /**
   * Initializes one tensor as HF does: LayerNorm scale 1 and shift 0, biases 0, weights and
   * embedding tables ~ N(0, initializer_range), and the padding row of the word embeddings 0.
   */
  public static void initialize(
      AlbertConfig config, FlatTensors p, ParameterLayout.Entry e, SplittableRandom rng) {
    var s = p.slice(e.name());
    switch (e.role()) {
      case NORM_WEIGHT -> s.fill(1f);
      case BIAS, NORM_BIAS -> s.fill(0f);
      case WEIGHT -> {
        double std = config.initializerRange();
        for (long i = 0; i < e.size(); i++) {
          s.set(i, (float) (gaussian(rng) * std));
        }
        if (e.name().equals(ParameterLayout.WORD_EMBEDDINGS)) {
          s.sub((long) config.padTokenId() * config.embeddingSize(), config.embeddingSize())
              .fill(0f);
        }
      }
    }
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller: SplittableRandom has no nextGaussian in Java 17.
    double u1 = rng.nextDouble(), u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  public AlbertConfig config() {
    return config;
  }

  public Head head() {
    return head;
  }

  public FlatTensors parameters() {
    return parameters;
  }

  public ParameterLayout layout() {
    return parameters.layout();
  }
}
