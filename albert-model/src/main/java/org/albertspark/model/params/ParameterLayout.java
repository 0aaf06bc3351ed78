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

/**
 * The named tensors of an ALBERT model, in HuggingFace state_dict naming, laid out back to back in
 * one flat float buffer. Parameters, gradients and optimizer moments all share this layout, so a
 * whole gradient is one contiguous array (one all-reduce) and optimizers loop over named tensors.
 */
public final class ParameterLayout {

  /** One tensor: its HF name, shape, and where it lives in the flat buffer. */
  public record Entry(String name, int[] shape, long offset, long size) {
    /** ALBERT's optimizers skip weight decay and the trust ratio for these. */
    public boolean isLayerNormOrBias() {
      return name.contains("LayerNorm") || name.contains("layer_norm") || name.endsWith("bias");
    }
  }

  /** Which heads sit on top of the encoder. */
  public enum Head {
    /** AlbertForPreTraining: MLM (decoder tied to the word embeddings) and sentence order. */
    PRETRAINING,
    /** AlbertForSequenceClassification: a dense layer on the pooled output. */
    SEQUENCE_CLASSIFICATION
  }

  public static final String WORD_EMBEDDINGS = "albert.embeddings.word_embeddings.weight";

  private final List<Entry> entries;
  private final Map<String, Entry> byName;
  private final long totalSize;

  private ParameterLayout(List<Entry> entries) {
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

  /** The layout of every unique (untied) parameter of the model that {@code config} describes. */
  public static ParameterLayout of(AlbertConfig config, Head head) {
    int v = config.vocabSize(), e = config.embeddingSize(), h = config.hiddenSize();
    int inter = config.intermediateSize();
    Builder b = new Builder();
    b.add("albert.embeddings.word_embeddings.weight", v, e);
    b.add("albert.embeddings.position_embeddings.weight", config.maxPositionEmbeddings(), e);
    b.add("albert.embeddings.token_type_embeddings.weight", config.typeVocabSize(), e);
    b.add("albert.embeddings.LayerNorm.weight", e);
    b.add("albert.embeddings.LayerNorm.bias", e);
    b.add("albert.encoder.embedding_hidden_mapping_in.weight", h, e);
    b.add("albert.encoder.embedding_hidden_mapping_in.bias", h);
    for (int g = 0; g < config.numHiddenGroups(); g++) {
      for (int i = 0; i < config.innerGroupNum(); i++) {
        String p = layerPrefix(g, i);
        b.add(p + "attention.query.weight", h, h);
        b.add(p + "attention.query.bias", h);
        b.add(p + "attention.key.weight", h, h);
        b.add(p + "attention.key.bias", h);
        b.add(p + "attention.value.weight", h, h);
        b.add(p + "attention.value.bias", h);
        b.add(p + "attention.dense.weight", h, h);
        b.add(p + "attention.dense.bias", h);
        b.add(p + "attention.LayerNorm.weight", h);
        b.add(p + "attention.LayerNorm.bias", h);
        b.add(p + "ffn.weight", inter, h);
        b.add(p + "ffn.bias", inter);
        b.add(p + "ffn_output.weight", h, inter);
        b.add(p + "ffn_output.bias", h);
        b.add(p + "full_layer_layer_norm.weight", h);
        b.add(p + "full_layer_layer_norm.bias", h);
      }
    }
    b.add("albert.pooler.weight", h, h);
    b.add("albert.pooler.bias", h);
    switch (head) {
      case PRETRAINING -> {
        b.add("predictions.dense.weight", e, h);
        b.add("predictions.dense.bias", e);
        b.add("predictions.LayerNorm.weight", e);
        b.add("predictions.LayerNorm.bias", e);
        b.add("predictions.bias", v);
        b.add("sop_classifier.classifier.weight", 2, h);
        b.add("sop_classifier.classifier.bias", 2);
      }
      case SEQUENCE_CLASSIFICATION -> {
        b.add("classifier.weight", config.numLabels(), h);
        b.add("classifier.bias", config.numLabels());
      }
    }
    checkFitsOneBuffer(config, head, b);
    return new ParameterLayout(b.entries);
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

  private static final class Builder {
    final List<Entry> entries = new ArrayList<>();
    long offset;

    void add(String name, int... shape) {
      long size = 1;
      for (int d : shape) {
        size *= d;
      }
      entries.add(new Entry(name, shape.clone(), offset, size));
      offset += size;
    }
  }
}
