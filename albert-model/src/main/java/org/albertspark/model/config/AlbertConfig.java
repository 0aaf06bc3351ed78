package org.albertspark.model.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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

  /**
   * Upper bounds of the size keys: far above any published ALBERT (xxlarge: hidden 4096, 16384
   * intermediate, 12 layers), low enough that no config makes a loader build or allocate without
   * bound. The parameter count as a whole is bounded by {@code ParameterLayout}.
   */
  private static final Map<String, Integer> MAX_SIZES =
      Map.of(
          "vocab_size", 1 << 24,
          "embedding_size", 1 << 16,
          "hidden_size", 1 << 16,
          "num_hidden_layers", 1 << 10,
          "num_hidden_groups", 1 << 10,
          "num_attention_heads", 1 << 16,
          "intermediate_size", 1 << 18,
          "inner_group_num", 1 << 10,
          "max_position_embeddings", 1 << 20,
          "type_vocab_size", 1 << 16);

  /** Distinct layers (num_hidden_groups × inner_group_num), each with its own weights. */
  public static final int MAX_DISTINCT_LAYERS = 1 << 10;

  /** Classes of a classification head. */
  public static final int MAX_LABELS = 1 << 16;

  /** A config.json is a few hundred bytes; a label map of {@link #MAX_LABELS} fits in this. */
  public static final long MAX_FILE_BYTES = 16L << 20;

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

  /**
   * Reads {@code file}; IllegalArgumentException naming the file and the bad key, or saying the
   * file is too large or not UTF-8.
   */
  public static AlbertConfig read(Path file) throws IOException {
    try {
      return fromJson(readUtf8(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static String readUtf8(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(
          "config.json is " + size + " bytes, more than the " + MAX_FILE_BYTES + " allowed");
    }
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(in, out, true);
    if (r.isError()) {
      throw new IllegalArgumentException(
          "config.json is not UTF-8 text (invalid byte 0x"
              + Integer.toHexString(bytes[in.position()] & 0xFF)
              + " at offset "
              + in.position()
              + "); save it as UTF-8 JSON");
    }
    return out.flip().toString();
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
    finiteNumbers(json, "");
    for (String key : MAX_SIZES.keySet().stream().sorted().toList()) {
      positive(key, MAX_SIZES.get(key));
    }
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
    if ((long) numHiddenGroups() * innerGroupNum() > MAX_DISTINCT_LAYERS) {
      throw new IllegalArgumentException(
          "num_hidden_groups "
              + numHiddenGroups()
              + " × inner_group_num "
              + innerGroupNum()
              + " distinct layers exceed the "
              + MAX_DISTINCT_LAYERS
              + " allowed");
    }
    Activation.parse(hiddenAct());
    if (!"absolute".equals(json.path("position_embedding_type").asText("absolute"))) {
      throw new IllegalArgumentException(
          "position_embedding_type '"
              + json.get("position_embedding_type").asText()
              + "' is not supported (only 'absolute')");
    }
    JsonNode padNode = json.get("pad_token_id");
    if (padNode != null && !padNode.isNull() && !isInt(padNode)) {
      throw new IllegalArgumentException("pad_token_id must be an integer, got " + padNode);
    }
    int pad = padTokenId();
    if (pad < 0 || pad >= vocabSize()) {
      throw new IllegalArgumentException(
          "pad_token_id " + pad + " outside the vocabulary of " + vocabSize());
    }
    probability("hidden_dropout_prob");
    probability("attention_probs_dropout_prob");
    probability("classifier_dropout_prob");
    if (!json.path("layer_norm_eps").isNumber() || !(layerNormEps() > 0)) {
      throw new IllegalArgumentException(
          "layer_norm_eps must be a number > 0, got " + json.get("layer_norm_eps"));
    }
    if (!json.path("initializer_range").isNumber() || !(initializerRange() >= 0)) {
      throw new IllegalArgumentException(
          "initializer_range must be a number >= 0, got " + json.get("initializer_range"));
    }
    JsonNode id2label = json.get("id2label");
    if (id2label != null && id2label.size() > MAX_LABELS) {
      throw new IllegalArgumentException(
          "id2label has " + id2label.size() + " labels, more than the " + MAX_LABELS + " allowed");
    }
    JsonNode labels = json.get("num_labels");
    if (labels != null && !labels.isNull()) {
      positive("num_labels", MAX_LABELS);
    }
  }

  private static boolean isInt(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToInt();
  }

  /** A positive integer up to {@code max}: each size key, named in the error. */
  private void positive(String key, int max) {
    JsonNode n = json.get(key);
    if (n == null || !isInt(n) || n.asInt() <= 0) {
      throw new IllegalArgumentException(key + " must be a positive integer, got " + n);
    }
    if (n.asInt() > max) {
      throw new IllegalArgumentException(
          key + " " + n.asInt() + " is absurd (at most " + max + " is allowed)");
    }
  }

  /**
   * Every number in the config is finite: JSON has no infinity, but a literal beyond the double
   * range (1e309) is read as one, and would be written back as the string "Infinity".
   */
  private static void finiteNumbers(JsonNode node, String path) {
    if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
      throw new IllegalArgumentException(
          path + " must be a finite number, got a literal beyond the range of a double");
    }
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e ->
                  finiteNumbers(
                      e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey()));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        finiteNumbers(node.get(i), path + "[" + i + "]");
      }
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
