package org.albertspark.model.params;

import static org.albertspark.model.params.ParameterLayout.Role.BIAS;
import static org.albertspark.model.params.ParameterLayout.Role.NORM_BIAS;
import static org.albertspark.model.params.ParameterLayout.Role.NORM_WEIGHT;
import static org.albertspark.model.params.ParameterLayout.Role.WEIGHT;

import java.util.ArrayList;
import java.util.List;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.params.ParameterLayout.Role;
import org.albertspark.model.tensor.Slice;

/**
 * Every tensor of an ALBERT model as a typed view into one flat buffer, as llm.c's {@code
 * ParameterTensors}: forward and backward reach a weight by field, never by name. The same record
 * type views a model's parameters and, over another buffer of the same layout, their gradients (or
 * an optimizer's moments); {@link FlatTensors#views()} builds it once per buffer.
 *
 * <p>{@link #declare} is the one place where each tensor's HF name, shape and place in the flat
 * buffer are written. {@link ParameterLayout#of} records what it declares; viewing a buffer runs it
 * again and looks every name up in that layout.
 *
 * @param embeddings the three embedding tables and their LayerNorm
 * @param embeddingMapping E → H: {@code albert.encoder.embedding_hidden_mapping_in}
 * @param layerGroups [group][inner] shared transformer layers
 * @param pooler tanh(W·h[:, 0] + b) over the first token
 * @param pretraining MLM and SOP heads (null unless {@link Head#PRETRAINING})
 * @param classifier [num_labels, H] (null unless {@link Head#SEQUENCE_CLASSIFICATION})
 */
public record ParameterViews(
    Embeddings embeddings,
    Dense embeddingMapping,
    List<List<Layer>> layerGroups,
    Dense pooler,
    PretrainingHeads pretraining,
    Dense classifier) {

  /** A dense layer y = x·Wᵀ + b: weight [out, in], bias [out]. */
  public record Dense(Slice weight, Slice bias) {}

  /** A LayerNorm's scale γ (HF "weight") and shift β ("bias"), [dim] each. */
  public record Norm(Slice weight, Slice bias) {}

  /** Word [V, E], position [P, E] and token type [types, E] tables; LayerNorm over their sum. */
  public record Embeddings(Slice word, Slice position, Slice tokenType, Norm norm) {}

  /**
   * One post-LN transformer layer: q, k, v [H, H]; attention output [H, H] and its LayerNorm; FFN
   * [I, H] then [H, I] and the layer's final LayerNorm.
   */
  public record Layer(
      Dense query,
      Dense key,
      Dense value,
      Dense attnDense,
      Norm attnNorm,
      Dense ffn,
      Dense ffnOutput,
      Norm outputNorm) {}

  /**
   * MLM transform (dense H → E, activation, LayerNorm); the decoder E → V, whose weight IS the word
   * embedding table (tied) and whose bias is {@code predictions.bias}; the SOP classifier [2, H].
   */
  public record PretrainingHeads(Dense mlmDense, Norm mlmNorm, Dense decoder, Dense sop) {}

  /** Inner layer {@code inner} of layer group {@code group}. */
  public Layer layer(int group, int inner) {
    return layerGroups.get(group).get(inner);
  }

  /** Supplies each declared tensor: a layout being built records it, a buffer returns its view. */
  interface Source {
    Slice tensor(String name, Role role, int... shape);
  }

  /** The views of {@code t}, whose layout {@link #declare} made. */
  static ParameterViews of(FlatTensors t) {
    ParameterLayout layout = t.layout();
    return declare(layout.config(), layout.head(), (name, role, shape) -> t.slice(name));
  }

  /**
   * Declares every tensor of the model {@code c} and {@code head} describe, in layout order (Java
   * evaluates arguments left to right, so the order of the calls below is the order in the flat
   * buffer), and returns what {@code s} supplied for each.
   */
  static ParameterViews declare(AlbertConfig c, Head head, Source s) {
    int v = c.vocabSize(), e = c.embeddingSize(), h = c.hiddenSize(), inter = c.intermediateSize();
    Embeddings embeddings =
        new Embeddings(
            s.tensor(ParameterLayout.WORD_EMBEDDINGS, WEIGHT, v, e),
            s.tensor(
                "albert.embeddings.position_embeddings.weight",
                WEIGHT,
                c.maxPositionEmbeddings(),
                e),
            s.tensor(
                "albert.embeddings.token_type_embeddings.weight", WEIGHT, c.typeVocabSize(), e),
            norm(s, "albert.embeddings.LayerNorm", e));
    Dense mapping = dense(s, "albert.encoder.embedding_hidden_mapping_in", h, e);
    List<List<Layer>> groups = new ArrayList<>();
    for (int g = 0; g < c.numHiddenGroups(); g++) {
      List<Layer> layers = new ArrayList<>();
      for (int i = 0; i < c.innerGroupNum(); i++) {
        String p = ParameterLayout.layerPrefix(g, i);
        layers.add(
            new Layer(
                dense(s, p + "attention.query", h, h),
                dense(s, p + "attention.key", h, h),
                dense(s, p + "attention.value", h, h),
                dense(s, p + "attention.dense", h, h),
                norm(s, p + "attention.LayerNorm", h),
                dense(s, p + "ffn", inter, h),
                dense(s, p + "ffn_output", h, inter),
                norm(s, p + "full_layer_layer_norm", h)));
      }
      groups.add(List.copyOf(layers));
    }
    Dense pooler = dense(s, "albert.pooler", h, h);
    PretrainingHeads pretraining = null;
    Dense classifier = null;
    switch (head) {
      case PRETRAINING ->
          pretraining =
              new PretrainingHeads(
                  dense(s, "predictions.dense", e, h),
                  norm(s, "predictions.LayerNorm", e),
                  new Dense(embeddings.word(), s.tensor(ParameterLayout.PREDICTIONS_BIAS, BIAS, v)),
                  dense(s, "sop_classifier.classifier", 2, h));
      case SEQUENCE_CLASSIFICATION -> classifier = dense(s, "classifier", c.numLabels(), h);
    }
    return new ParameterViews(
        embeddings, mapping, List.copyOf(groups), pooler, pretraining, classifier);
  }

  private static Dense dense(Source s, String name, int out, int in) {
    return new Dense(
        s.tensor(name + ".weight", WEIGHT, out, in), s.tensor(name + ".bias", BIAS, out));
  }

  private static Norm norm(Source s, String name, int dim) {
    return new Norm(
        s.tensor(name + ".weight", NORM_WEIGHT, dim), s.tensor(name + ".bias", NORM_BIAS, dim));
  }
}
