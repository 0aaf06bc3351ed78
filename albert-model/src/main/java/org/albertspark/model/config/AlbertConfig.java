package org.albertspark.model.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An ALBERT model's hyperparameters, read from and written to HuggingFace's {@code config.json}.
 * Keys this class does not model (bos_token_id, torch_dtype, ...) are kept and written back, so a
 * config survives a round trip through this project unchanged.
 */
public final class AlbertConfig {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectNode json;

  private AlbertConfig(ObjectNode json) {
    this.json = json;
    validate();
  }

  /** Parses {@code config.json} text; IllegalArgumentException naming the bad field. */
  public static AlbertConfig fromJson(String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "config.json is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("config.json must hold a JSON object");
    }
    ObjectNode withDefaults = defaults();
    withDefaults.setAll((ObjectNode) node);
    return new AlbertConfig(withDefaults);
  }

  public static AlbertConfig read(Path file) throws IOException {
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public void write(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  /** The config as HuggingFace writes it: keys sorted, two-space indent. */
  public String toJson() {
    Map<String, JsonNode> sorted = new TreeMap<>();
    json.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
    ObjectNode out = JSON.createObjectNode();
    sorted.forEach(out::set);
    // HF's json.dumps(indent=2, sort_keys=True): two-space indent, "key": value, one element per
    // line
    var indenter = new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n");
    var printer =
        new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
            .withObjectIndenter(indenter)
            .withArrayIndenter(indenter)
            .withSeparators(
                com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(
                        com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
    try {
      return JSON.writer(printer).writeValueAsString(out) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HuggingFace AlbertConfig's defaults (albert-xxlarge shaped), applied under the file's keys. */
  private static ObjectNode defaults() {
    ObjectNode d = JSON.createObjectNode();
    d.put("model_type", "albert");
    d.put("vocab_size", 30000);
    d.put("embedding_size", 128);
    d.put("hidden_size", 4096);
    d.put("num_hidden_layers", 12);
    d.put("num_hidden_groups", 1);
    d.put("num_attention_heads", 64);
    d.put("intermediate_size", 16384);
    d.put("inner_group_num", 1);
    d.put("hidden_act", "gelu_new");
    d.put("hidden_dropout_prob", 0.0);
    d.put("attention_probs_dropout_prob", 0.0);
    d.put("max_position_embeddings", 512);
    d.put("type_vocab_size", 2);
    d.put("initializer_range", 0.02);
    d.put("layer_norm_eps", 1e-12);
    d.put("classifier_dropout_prob", 0.1);
    d.put("position_embedding_type", "absolute");
    d.put("pad_token_id", 0);
    d.put("bos_token_id", 2);
    d.put("eos_token_id", 3);
    return d;
  }

  private void validate() {
    positive("vocab_size");
    positive("embedding_size");
    positive("hidden_size");
    positive("num_hidden_layers");
    positive("num_hidden_groups");
    positive("num_attention_heads");
    positive("intermediate_size");
    positive("inner_group_num");
    positive("max_position_embeddings");
    positive("type_vocab_size");
    if (hiddenSize() % numAttentionHeads() != 0) {
      throw new IllegalArgumentException(
          "hidden_size "
              + hiddenSize()
              + " is not a multiple of num_attention_heads "
              + numAttentionHeads());
    }
    if (numHiddenGroups() > numHiddenLayers()) {
      throw new IllegalArgumentException(
          "num_hidden_groups "
              + numHiddenGroups()
              + " exceeds num_hidden_layers "
              + numHiddenLayers());
    }
    Activation.parse(hiddenAct());
    if (!"absolute".equals(json.path("position_embedding_type").asText("absolute"))) {
      throw new IllegalArgumentException(
          "position_embedding_type '"
              + json.get("position_embedding_type").asText()
              + "' is not supported (only 'absolute')");
    }
    int pad = padTokenId();
    if (pad < 0 || pad >= vocabSize()) {
      throw new IllegalArgumentException(
          "pad_token_id " + pad + " outside the vocabulary of " + vocabSize());
    }
    probability("hidden_dropout_prob");
    probability("attention_probs_dropout_prob");
    probability("classifier_dropout_prob");
    if (!(layerNormEps() > 0)) {
      throw new IllegalArgumentException("layer_norm_eps must be > 0, got " + layerNormEps());
    }
    if (numLabels() < 1) {
      throw new IllegalArgumentException("num_labels must be >= 1, got " + numLabels());
    }
  }

  private void positive(String key) {
    JsonNode n = json.get(key);
    if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0) {
      throw new IllegalArgumentException(key + " must be a positive integer, got " + n);
    }
  }

  private void probability(String key) {
    JsonNode n = json.get(key);
    if (n == null || n.isNull()) {
      return;
    }
    double p = n.asDouble(-1);
    if (!n.isNumber() || p < 0 || p >= 1) {
      throw new IllegalArgumentException(key + " must be a number in [0, 1), got " + n);
    }
  }

  private int intValue(String key) {
    return json.get(key).asInt();
  }

  public int vocabSize() {
    return intValue("vocab_size");
  }

  public int embeddingSize() {
    return intValue("embedding_size");
  }

  public int hiddenSize() {
    return intValue("hidden_size");
  }

  public int numHiddenLayers() {
    return intValue("num_hidden_layers");
  }

  public int numHiddenGroups() {
    return intValue("num_hidden_groups");
  }

  public int innerGroupNum() {
    return intValue("inner_group_num");
  }

  public int numAttentionHeads() {
    return intValue("num_attention_heads");
  }

  public int intermediateSize() {
    return intValue("intermediate_size");
  }

  public int maxPositionEmbeddings() {
    return intValue("max_position_embeddings");
  }

  public int typeVocabSize() {
    return intValue("type_vocab_size");
  }

  public int padTokenId() {
    return json.path("pad_token_id").isNull() ? 0 : intValue("pad_token_id");
  }

  public String hiddenAct() {
    return json.get("hidden_act").asText();
  }

  public Activation activation() {
    return Activation.parse(hiddenAct());
  }

  public double layerNormEps() {
    return json.get("layer_norm_eps").asDouble();
  }

  public double initializerRange() {
    return json.get("initializer_range").asDouble();
  }

  public double hiddenDropoutProb() {
    return json.path("hidden_dropout_prob").asDouble(0);
  }

  public double attentionProbsDropoutProb() {
    return json.path("attention_probs_dropout_prob").asDouble(0);
  }

  public double classifierDropoutProb() {
    return json.path("classifier_dropout_prob").asDouble(0.1);
  }

  /**
   * Group that outer layer {@code layer} runs: int(layer / (L / G)) with floating-point division,
   * as HF.
   */
  public int groupOfLayer(int layer) {
    double layersPerGroup = (double) numHiddenLayers() / numHiddenGroups();
    return (int) (layer / layersPerGroup);
  }

  /** HF's num_labels: the size of id2label when present, else num_labels, else 2. */
  public int numLabels() {
    JsonNode id2label = json.get("id2label");
    if (id2label != null && id2label.isObject() && id2label.size() > 0) {
      return id2label.size();
    }
    return json.path("num_labels").asInt(2);
  }

  /** Label names by id ("LABEL_i" where the config names none). */
  public List<String> labels() {
    List<String> out = new ArrayList<>();
    JsonNode id2label = json.get("id2label");
    for (int i = 0; i < numLabels(); i++) {
      JsonNode n = id2label == null ? null : id2label.get(Integer.toString(i));
      out.add(n == null ? "LABEL_" + i : n.asText());
    }
    return out;
  }

  /**
   * HF's problem_type: "single_label_classification", "multi_label_classification" or "regression";
   * null when the config does not say.
   */
  public String problemType() {
    JsonNode n = json.get("problem_type");
    return n == null || n.isNull() ? null : n.asText();
  }

  /** HF's _name_or_path (the name a model was loaded or saved under); null when absent. */
  public String nameOrPath() {
    JsonNode n = json.get("_name_or_path");
    return n == null || n.isNull() ? null : n.asText();
  }

  /** The "architectures" list, e.g. [AlbertForPreTraining]; empty when absent. */
  public List<String> architectures() {
    List<String> out = new ArrayList<>();
    JsonNode a = json.get("architectures");
    if (a != null && a.isArray()) {
      a.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  /** True when the config names AlbertForSequenceClassification. */
  public boolean isSequenceClassification() {
    return architectures().contains("AlbertForSequenceClassification");
  }

  /** A copy with the given keys replaced (values: Integer, Double, String, Boolean, List, Map). */
  public AlbertConfig with(Map<String, ?> overrides) {
    ObjectNode copy = json.deepCopy();
    for (Map.Entry<String, ?> e : overrides.entrySet()) {
      copy.set(e.getKey(), JSON.valueToTree(e.getValue()));
    }
    return new AlbertConfig(copy);
  }

  /** A copy configured for sequence classification with these label names. */
  public AlbertConfig forSequenceClassification(List<String> labelNames) {
    Map<String, Object> id2label = new LinkedHashMap<>();
    Map<String, Object> label2id = new LinkedHashMap<>();
    for (int i = 0; i < labelNames.size(); i++) {
      id2label.put(Integer.toString(i), labelNames.get(i));
      label2id.put(labelNames.get(i), i);
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("architectures", List.of("AlbertForSequenceClassification"));
    o.put("id2label", id2label);
    o.put("label2id", label2id);
    o.put("num_labels", labelNames.size());
    return with(o);
  }

  /** Every key of the underlying JSON (for provenance and tests). */
  public List<String> keys() {
    List<String> out = new ArrayList<>();
    Iterator<String> it = json.fieldNames();
    it.forEachRemaining(out::add);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlbertConfig c && c.json.equals(json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
