package org.albertspark.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tensor.Slice;

/**
 * A model directory in HuggingFace's layout: {@code config.json}, {@code model.safetensors},
 * optionally {@code spiece.model}, plus this project's optional {@code albert_provenance.json}
 * (which HF ignores).
 *
 * <p>Loading accepts what HF's save_pretrained writes (tied aliases omitted) and full state dicts
 * (with {@code predictions.decoder.weight}, which must equal the word embeddings, and {@code
 * predictions.decoder.bias}, which must equal {@code predictions.bias}); it ignores the
 * non-parameter buffers {@code albert.embeddings.position_ids} / {@code token_type_ids}; it also
 * accepts a bare encoder checkpoint (HF AlbertModel: keys without the {@code albert.} prefix). F16,
 * BF16 and F64 weights are converted to F32. Every missing, unexpected and mis-shaped tensor is
 * reported in one {@link ModelLoadException}.
 */
public final class ModelDirectory {

  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String SPIECE = "spiece.model";
  public static final String PROVENANCE = "albert_provenance.json";

  static final String DECODER_WEIGHT = "predictions.decoder.weight";
  static final String DECODER_BIAS = "predictions.decoder.bias";
  static final String PREDICTIONS_BIAS = ParameterLayout.PREDICTIONS_BIAS;

  /** Buffers HF may save that are not parameters. */
  private static final Set<String> IGNORED =
      Set.of("albert.embeddings.position_ids", "albert.embeddings.token_type_ids");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ModelDirectory.class);

  /** Seed of freshly initialized heads, so that loading is deterministic. */
  private static final long HEAD_INIT_SEED = 20191001L;

  private ModelDirectory() {}

  // ---------------------------------------------------------------- load

  /**
   * Loads {@code dir}: the config, the head it names ({@link AlbertModel#headOf}), every weight.
   */
  public static AlbertModel load(Path dir) throws IOException {
    return load(dir, null);
  }

  /**
   * Loads {@code dir} with the given head (null: the one its config names), e.g. a pretrained
   * checkpoint as the start of a classifier: a head the checkpoint lacks is freshly initialized.
   */
  public static AlbertModel load(Path dir, Head head) throws IOException {
    Path configFile = dir.resolve(CONFIG);
    if (!Files.isRegularFile(configFile)) {
      throw new NoSuchFileException(
          configFile.toString(), null, "no " + CONFIG + ": not a HuggingFace model directory");
    }
    AlbertConfig config = AlbertConfig.read(configFile);
    Head chosen = head == null ? AlbertModel.headOf(config) : head;
    try {
      ParameterLayout.of(config, chosen); // a model too large for one buffer: said before any I/O
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(configFile + ": " + e.getMessage(), e);
    }
    Path weights = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(weights)) {
      String hint = "";
      if (Files.exists(dir.resolve("model.safetensors.index.json"))) {
        hint = " (sharded checkpoints are not supported; ALBERT fits one file)";
      } else if (Files.exists(dir.resolve("pytorch_model.bin"))) {
        hint =
            " (only safetensors weights are read; the directory has pytorch_model.bin: re-save it"
                + " with save_pretrained(..., safe_serialization=True))";
      }
      throw new NoSuchFileException(weights.toString(), null, "no " + WEIGHTS + hint);
    }
    try (SafeTensorsFile file = SafeTensorsFile.open(weights)) {
      return load(file, config, chosen);
    }
  }

  /** Builds a model of {@code config} and {@code head} from the tensors of {@code file}. */
  public static AlbertModel load(SafeTensorsFile file, AlbertConfig config, Head head)
      throws IOException {
    ParameterLayout layout = ParameterLayout.of(config, head);
    boolean tied = layout.contains(PREDICTIONS_BIAS);
    boolean bare = isBare(file);

    // model name -> file name
    Map<String, String> source = new LinkedHashMap<>();
    List<String> unexpected = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String decoderWeight = null;
    String decoderBias = null;
    for (String fileName : file.names()) {
      String name = bare ? withPrefix(fileName) : fileName;
      if (IGNORED.contains(name)) {
        continue;
      }
      if (tied && name.equals(DECODER_WEIGHT)) {
        decoderWeight = fileName;
        checkTensor(
            file.info(fileName), layout.get(ParameterLayout.WORD_EMBEDDINGS).shape(), problems);
      } else if (tied && name.equals(DECODER_BIAS)) {
        decoderBias = fileName;
        checkTensor(file.info(fileName), layout.get(PREDICTIONS_BIAS).shape(), problems);
      } else if (layout.contains(name)) {
        checkTensor(file.info(fileName), layout.get(name).shape(), problems);
        source.put(name, fileName);
      } else {
        unexpected.add(fileName);
      }
    }
    // A tied tensor may come from its alias alone.
    if (decoderWeight != null && !source.containsKey(ParameterLayout.WORD_EMBEDDINGS)) {
      source.put(ParameterLayout.WORD_EMBEDDINGS, decoderWeight);
      decoderWeight = null;
    }
    if (decoderBias != null && !source.containsKey(PREDICTIONS_BIAS)) {
      source.put(PREDICTIONS_BIAS, decoderBias);
      decoderBias = null;
    }
    List<String> missing = new ArrayList<>();
    for (ParameterLayout.Entry e : layout.entries()) {
      if (!source.containsKey(e.name())) {
        missing.add(e.name());
      }
    }
    // As HF's from_pretrained: a head the checkpoint does not carry at all (HF's albert-base-v2 is
    // AlbertForMaskedLM, without the SOP head; a pretraining checkpoint has no classifier) is
    // freshly
    // initialized, and another head's tensors are left out, each with a warning. A partly present
    // head or any encoder tensor missing stays an error.
    List<String> newHeadTensors = wholeHeadsAbsent(layout, missing);
    missing.removeAll(newHeadTensors);
    List<String> otherHeads =
        unexpected.stream()
            .filter(n -> isOtherHeadTensor(layout, bare ? withPrefix(n) : n))
            .toList();
    unexpected.removeAll(otherHeads);
    if (!missing.isEmpty() || !unexpected.isEmpty() || !problems.isEmpty()) {
      throw new ModelLoadException(describe(file, config, head), missing, unexpected, problems);
    }

    FlatTensors params = FlatTensors.zeros(layout);
    for (Map.Entry<String, String> e : source.entrySet()) {
      file.readFloatsInto(e.getValue(), params.slice(e.getKey()));
    }
    if (!newHeadTensors.isEmpty()) {
      LOG.warn(
          "{}: initialized {} (not in the checkpoint; train them before use)",
          file.label(),
          newHeadTensors);
      java.util.SplittableRandom rng = new java.util.SplittableRandom(HEAD_INIT_SEED);
      for (String name : newHeadTensors) {
        AlbertModel.initialize(config, params, layout.get(name), rng);
      }
    }
    if (!otherHeads.isEmpty()) {
      LOG.warn("{}: ignored {} (another head than {})", file.label(), otherHeads, head);
    }
    if (decoderWeight != null) {
      checkTied(
          file,
          decoderWeight,
          params.slice(ParameterLayout.WORD_EMBEDDINGS),
          source.get(ParameterLayout.WORD_EMBEDDINGS),
          problems);
    }
    if (decoderBias != null) {
      checkTied(
          file,
          decoderBias,
          params.slice(PREDICTIONS_BIAS),
          source.get(PREDICTIONS_BIAS),
          problems);
    }
    if (!problems.isEmpty()) {
      throw new ModelLoadException(describe(file, config, head), List.of(), List.of(), problems);
    }
    return new AlbertModel(config, head, params);
  }

  /** Name prefixes of the tensors on top of the encoder: the MLM, SOP and classification heads. */
  private static final List<String> HEAD_PREFIXES =
      List.of("predictions.", "sop_classifier.", "classifier.");

  /**
   * A tensor of a head that {@code layout} lacks (ignored with a warning); one under a head the
   * layout has but without a place in it is unexpected.
   */
  private static boolean isOtherHeadTensor(ParameterLayout layout, String name) {
    for (String prefix : HEAD_PREFIXES) {
      if (name.startsWith(prefix)) {
        return layout.entries().stream().noneMatch(e -> e.name().startsWith(prefix));
      }
    }
    return false;
  }

  /** The missing tensors that make up whole heads (every tensor of that head missing). */
  private static List<String> wholeHeadsAbsent(ParameterLayout layout, List<String> missing) {
    List<String> out = new ArrayList<>();
    for (String prefix : HEAD_PREFIXES) {
      List<String> all =
          layout.entries().stream()
              .map(ParameterLayout.Entry::name)
              .filter(n -> n.startsWith(prefix))
              .toList();
      if (!all.isEmpty() && missing.containsAll(all)) {
        out.addAll(all);
      }
    }
    return out;
  }

  private static String describe(SafeTensorsFile file, AlbertConfig config, Head head) {
    return file.label()
        + " (for "
        + head
        + ", "
        + config.numHiddenGroups()
        + " group(s) × "
        + config.innerGroupNum()
        + " inner layer(s))";
  }

  /** A checkpoint of HF's bare AlbertModel: encoder keys without the "albert." prefix. */
  private static boolean isBare(SafeTensorsFile file) {
    for (String n : file.names()) {
      if (n.startsWith("albert.")) {
        return false;
      }
    }
    return file.contains("embeddings.word_embeddings.weight");
  }

  private static String withPrefix(String fileName) {
    return HEAD_PREFIXES.stream().anyMatch(fileName::startsWith) ? fileName : "albert." + fileName;
  }

  private static void checkTensor(TensorInfo t, int[] expected, List<String> problems) {
    long[] want = Arrays.stream(expected).asLongStream().toArray();
    if (!Arrays.equals(t.shape(), want)) {
      problems.add(
          t.name()
              + ": shape "
              + Arrays.toString(t.shape())
              + ", expected "
              + Arrays.toString(want));
    }
    if (!t.dtype().isFloatingPoint()) {
      problems.add(
          t.name()
              + ": dtype "
              + t.dtype()
              + ", expected a floating-point type (F32, F16, BF16, F64)");
    }
  }

  /** The alias must hold the same values as the tensor it is tied to. */
  private static void checkTied(
      SafeTensorsFile file, String alias, Slice loaded, String loadedFrom, List<String> problems)
      throws IOException {
    long[] firstDiff = {-1};
    float[] values = new float[2];
    file.streamFloats(
        alias,
        (from, buf, count) -> {
          if (firstDiff[0] >= 0) {
            return;
          }
          for (int i = 0; i < count; i++) {
            float mine = loaded.get(from + i);
            if (Float.floatToIntBits(mine) != Float.floatToIntBits(buf[i])) {
              firstDiff[0] = from + i;
              values[0] = buf[i];
              values[1] = mine;
              return;
            }
          }
        });
    if (firstDiff[0] >= 0) {
      problems.add(
          alias
              + ": differs from "
              + loadedFrom
              + " (element "
              + firstDiff[0]
              + ": "
              + values[0]
              + " vs "
              + values[1]
              + "); this model ties them, so they must be equal");
    }
  }

  // ---------------------------------------------------------------- save

  /** Saves without provenance. */
  public static void save(Path dir, AlbertModel model, Path spieceModelOrNull) throws IOException {
    save(dir, model, spieceModelOrNull, Map.of());
  }

  /**
   * Writes {@code dir} in HF's layout: config.json, model.safetensors (F32, HF names, tied aliases
   * omitted as save_pretrained does, metadata {"format": "pt"}), spiece.model when given, and
   * albert_provenance.json when {@code provenance} is non-empty (a stale one is removed otherwise,
   * since it would describe other weights). Creates the directory. Every file is written under a
   * temporary name, forced to disk and renamed into place, model.safetensors last: a crash never
   * leaves a half-written file under a final name, and a fresh directory shows model.safetensors
   * only once everything else is there.
   */
  public static void save(
      Path dir, AlbertModel model, Path spieceModelOrNull, Map<String, String> provenance)
      throws IOException {
    Files.createDirectories(dir);
    AlbertConfig config = configFor(model);
    SafeTensorsWriter writer = new SafeTensorsWriter().metadata("format", "pt");
    for (ParameterLayout.Entry e : model.layout().entries()) {
      writer.addFloats(e.name(), e.shape(), model.parameters().slice(e.name()));
    }
    Map<Path, Path> staged = new LinkedHashMap<>(); // target -> temp, in commit order
    try {
      if (spieceModelOrNull != null) {
        if (!Files.isRegularFile(spieceModelOrNull)) {
          throw new NoSuchFileException(
              spieceModelOrNull.toString(), null, "spiece model not found");
        }
        staged.put(
            dir.resolve(SPIECE),
            AtomicFiles.writeTemp(dir.resolve(SPIECE), out -> Files.copy(spieceModelOrNull, out)));
      }
      if (provenance != null && !provenance.isEmpty()) {
        byte[] json = provenanceJson(provenance);
        staged.put(
            dir.resolve(PROVENANCE),
            AtomicFiles.writeTemp(dir.resolve(PROVENANCE), out -> out.write(json)));
      }
      byte[] configJson = config.toJson().getBytes(StandardCharsets.UTF_8);
      staged.put(
          dir.resolve(CONFIG),
          AtomicFiles.writeTemp(dir.resolve(CONFIG), out -> out.write(configJson)));
      staged.put(dir.resolve(WEIGHTS), AtomicFiles.writeTemp(dir.resolve(WEIGHTS), writer::write));

      if (provenance == null || provenance.isEmpty()) {
        Files.deleteIfExists(dir.resolve(PROVENANCE));
      }
      for (var it = staged.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Path, Path> e = it.next();
        AtomicFiles.commit(e.getValue(), e.getKey());
        it.remove();
      }
    } finally {
      for (Path tmp : staged.values()) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** The model's config, with "architectures" set to match its head if the config named another. */
  private static AlbertConfig configFor(AlbertModel model) {
    AlbertConfig config = model.config();
    if (AlbertModel.headOf(config) == model.head()) {
      return config;
    }
    String arch =
        model.head() == Head.SEQUENCE_CLASSIFICATION
            ? "AlbertForSequenceClassification"
            : "AlbertForPreTraining";
    return config.with(Map.of("architectures", List.of(arch)));
  }

  private static byte[] provenanceJson(Map<String, String> provenance) {
    try {
      return (JSON.writeValueAsString(new TreeMap<>(provenance)) + "\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- other files

  /** {@code dir/spiece.model} if it exists. */
  public static Optional<Path> spieceModel(Path dir) {
    Path p = dir.resolve(SPIECE);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /** The provenance save() recorded (empty when there is none). */
  public static Map<String, String> provenance(Path dir) throws IOException {
    Path p = dir.resolve(PROVENANCE);
    if (!Files.isRegularFile(p)) {
      return Map.of();
    }
    JsonNode node;
    try {
      node = JSON.readTree(Files.readString(p, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IOException(p + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IOException(p + ": must hold a JSON object");
    }
    Map<String, String> out = new TreeMap<>();
    node.fields()
        .forEachRemaining(
            e ->
                out.put(
                    e.getKey(),
                    e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString()));
    return Collections.unmodifiableMap(out);
  }
}
