package org.albertspark.model.params;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.tensor.FloatMemory;
import org.albertspark.model.tensor.Slice;

/**
 * The named tensors of an ALBERT model, in HuggingFace state_dict naming, laid out back to back in
 * one flat float buffer. Parameters, gradients and optimizer moments all share this layout, so a
 * whole gradient is one contiguous array (one all-reduce) and optimizers loop over named tensors.
 */
public final class ParameterLayout {

  /** One tensor: its HF name, shape, where it lives in the flat buffer, and what it is. */
  public record Entry(String name, int[] shape, long offset, long size, Role role) {}

  /** What a tensor is to its layer (HF initializes each kind differently). */
  public enum Role {
    /** A dense layer's weight or an embedding table. */
    WEIGHT,
    /** A dense layer's bias. */
    BIAS,
    /** A LayerNorm's scale γ (HF "weight"). */
    NORM_WEIGHT,
    /** A LayerNorm's shift β (HF "bias"). */
    NORM_BIAS
  }

  /** Which heads sit on top of the encoder. */
  public enum Head {
    /** AlbertForPreTraining: MLM (decoder tied to the word embeddings) and sentence order. */
    PRETRAINING,
    /** AlbertForSequenceClassification: a dense layer on the pooled output. */
    SEQUENCE_CLASSIFICATION
  }

  public static final String WORD_EMBEDDINGS = "albert.embeddings.word_embeddings.weight";

  /** The MLM decoder's bias (HF also saves it as an alias, {@code predictions.decoder.bias}). */
  public static final String PREDICTIONS_BIAS = "predictions.bias";

  private final AlbertConfig config;
  private final Head head;
  private final List<Entry> entries;
  private final Map<String, Entry> byName;
  private final long totalSize;

  private ParameterLayout(AlbertConfig config, Head head, List<Entry> entries) {
    this.config = config;
    this.head = head;
    this.entries = Collections.unmodifiableList(entries);
    Map<String, Entry> map = new LinkedHashMap<>();
    long total = 0;
    for (Entry e : entries) {
      map.put(e.name(), e);
      total = Math.max(total, e.offset() + e.size());
    }
    this.byName = Collections.unmodifiableMap(map);
    this.totalSize = total;
  }

  /**
   * The layout of every unique (untied) parameter of the model that {@code config} describes, in
   * the order {@link ParameterViews#declare} declares them.
   */
  public static ParameterLayout of(AlbertConfig config, Head head) {
    Builder b = new Builder();
    ParameterViews.declare(config, head, b);
    checkFitsOneBuffer(config, head, b);
    return new ParameterLayout(config, head, b.entries);
  }

  /**
   * The model must fit one flat buffer ({@link FloatMemory#MAX_FLOATS}); said before anything is
   * allocated, naming the config sizes that make it large.
   */
  private static void checkFitsOneBuffer(AlbertConfig config, Head head, Builder b) {
    if (b.offset <= FloatMemory.MAX_FLOATS) {
      return;
    }
    Entry largest = b.entries.stream().max(Comparator.comparingLong(Entry::size)).orElseThrow();
    throw new IllegalArgumentException(
        String.format(
            "the config describes %,d parameters for %s, more than one flat buffer holds (%,d); the"
                + " largest tensor is %s %s (vocab_size %d, embedding_size %d, hidden_size %d,"
                + " intermediate_size %d, max_position_embeddings %d, num_hidden_groups %d ×"
                + " inner_group_num %d, num_labels %d)",
            b.offset,
            head,
            FloatMemory.MAX_FLOATS,
            largest.name(),
            Arrays.toString(largest.shape()),
            config.vocabSize(),
            config.embeddingSize(),
            config.hiddenSize(),
            config.intermediateSize(),
            config.maxPositionEmbeddings(),
            config.numHiddenGroups(),
            config.innerGroupNum(),
            config.numLabels()));
  }

  /** The name prefix of inner layer {@code inner} of layer group {@code group}. */
  public static String layerPrefix(int group, int inner) {
    return "albert.encoder.albert_layer_groups." + group + ".albert_layers." + inner + ".";
  }

  /** The config this layout was made for. */
  public AlbertConfig config() {
    return config;
  }

  /** The heads this layout was made for. */
  public Head head() {
    return head;
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The entry called {@code name}; IllegalArgumentException naming it if there is none. */
  public Entry get(String name) {
    Entry e = byName.get(name);
    if (e == null) {
      throw new IllegalArgumentException("no parameter named '" + name + "' in this model");
    }
    return e;
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** Number of floats in the flat buffer. */
  public long totalSize() {
    return totalSize;
  }

  /** Lays each declared tensor out after the previous one; there is no buffer yet to view. */
  private static final class Builder implements ParameterViews.Source {
    final List<Entry> entries = new ArrayList<>();
    long offset;

    @Override
    public Slice tensor(String name, Role role, int... shape) {
      long size = 1;
      for (int d : shape) {
        size *= d;
      }
      entries.add(new Entry(name, shape.clone(), offset, size, role));
      offset += size;
      return null;
    }
  }
}
