package org.albertspark.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.provenance.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {

  private static final List<String> FIXTURES =
      List.of("tiny", "tiny_min_g1", "groups2_inner2", "hf_test_shape", "tiny_seqcls");

  /**
   * Every parameter of {@code model} equals, bit for bit, the tensor of that name in {@code file}.
   */
  private static void assertSameAsFile(AlbertModel model, Path file) throws IOException {
    Map<String, int[]> want = TestFiles.rawF32(file);
    for (ParameterLayout.Entry e : model.layout().entries()) {
      assertTrue(want.containsKey(e.name()), "file lacks " + e.name());
      assertArrayEquals(
          want.get(e.name()),
          TestFiles.bits(model.parameters().toArray(e.name())),
          file + " " + e.name());
    }
  }

  private static void assertSameParameters(AlbertModel expected, AlbertModel actual) {
    assertEquals(expected.layout().entries().size(), actual.layout().entries().size());
    for (ParameterLayout.Entry e : expected.layout().entries()) {
      assertArrayEquals(e.shape(), actual.layout().get(e.name()).shape(), e.name());
      assertArrayEquals(
          TestFiles.bits(expected.parameters().toArray(e.name())),
          TestFiles.bits(actual.parameters().toArray(e.name())),
          e.name());
    }
  }

  /** Every F32 tensor of a fixture file, by name, in file order. */
  private static Map<String, float[]> tensors(Path file) throws IOException {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
      for (String n : f.names()) {
        out.put(n, f.floats(n));
      }
    }
    return out;
  }

  private static long[] shapeOf(Path file, String name) throws IOException {
    try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
      return f.info(name).shape();
    }
  }

  /**
   * A model directory with fixture {@code fixture}'s config and the given tensors (name -> values,
   * shape from the fixture unless overridden).
   */
  private static Path dirWith(Path tmp, String fixture, SafeTensorsWriter w) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.copy(TestFiles.fixture(fixture).resolve("config.json"), dir.resolve("config.json"));
    w.write(dir.resolve("model.safetensors"));
    return dir;
  }

  private static SafeTensorsWriter writerOf(Path file, java.util.function.Predicate<String> keep)
      throws IOException {
    SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
    for (Map.Entry<String, float[]> e : tensors(file).entrySet()) {
      if (keep.test(e.getKey())) {
        w.addFloats(e.getKey(), shapeOf(file, e.getKey()), e.getValue());
      }
    }
    return w;
  }

  // ------------------------------------------------------------------ fixtures

  @Test
  void everyFixtureLoadsBitForBit() throws IOException {
    for (String name : FIXTURES) {
      Path dir = TestFiles.fixture(name);
      AlbertModel m = ModelDirectory.load(dir);
      assertEquals(AlbertConfig.read(dir.resolve("config.json")), m.config(), name);
      assertEquals(
          name.equals("tiny_seqcls") ? Head.SEQUENCE_CLASSIFICATION : Head.PRETRAINING,
          m.head(),
          name);
      assertSameAsFile(m, dir.resolve("model.safetensors"));
      try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
        assertEquals(
            f.names().size(),
            m.layout().entries().size(),
            name + ": every tensor of the file is a parameter");
      }
    }
  }

  @Test
  void fullStateDictWithTiedAliasesLoadsIdentically(@TempDir Path tmp) throws IOException {
    for (String name : List.of("tiny", "tiny_min_g1")) {
      Path src = TestFiles.fixture(name);
      Path dir = Files.createDirectories(tmp.resolve(name));
      Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
      Files.copy(
          src.resolve("model_full_state_dict.safetensors"), dir.resolve("model.safetensors"));
      try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
        assertTrue(
            f.contains("predictions.decoder.weight") && f.contains("predictions.decoder.bias"));
      }
      assertSameParameters(ModelDirectory.load(src), ModelDirectory.load(dir));
    }
  }

  @Test
  void tiedTensorsMayComeFromTheirAliasAlone(@TempDir Path tmp) throws IOException {
    Path full = TestFiles.fixture("tiny").resolve("model_full_state_dict.safetensors");
    Path dir =
        dirWith(
            tmp,
            "tiny",
            writerOf(
                full,
                n -> !n.equals(ParameterLayout.WORD_EMBEDDINGS) && !n.equals("predictions.bias")));
    assertSameParameters(ModelDirectory.load(TestFiles.fixture("tiny")), ModelDirectory.load(dir));
  }

  @Test
  void legacyPositionIdsBufferIsIgnored(@TempDir Path tmp) throws IOException {
    Path file = TestFiles.fixture("tiny").resolve("model.safetensors");
    long[] ids = new long[64];
    for (int i = 0; i < 64; i++) {
      ids[i] = i;
    }
    Path dir =
        dirWith(
            tmp,
            "tiny",
            writerOf(file, n -> true)
                .addLongs("albert.embeddings.position_ids", new long[] {1, 64}, ids));
    assertSameAsFile(ModelDirectory.load(dir), file);
  }

  @Test
  void bareEncoderCheckpointNamesAreAccepted(@TempDir Path tmp) throws IOException {
    Path file = TestFiles.fixture("tiny").resolve("model.safetensors");
    SafeTensorsWriter w = new SafeTensorsWriter();
    for (Map.Entry<String, float[]> e : tensors(file).entrySet()) {
      String n =
          e.getKey().startsWith("albert.") ? e.getKey().substring("albert.".length()) : e.getKey();
      w.addFloats(n, shapeOf(file, e.getKey()), e.getValue());
    }
    Path dir = dirWith(tmp, "tiny", w);
    assertSameAsFile(ModelDirectory.load(dir), file);
  }

  @Test
  void halfPrecisionWeightsLoadConvertedToF32(@TempDir Path tmp) throws IOException {
    // Store tiny_min_g1 as BF16 (upper halves) and as F16 (all-exact values), through a raw writer.
    Path file = TestFiles.fixture("tiny_min_g1").resolve("model.safetensors");
    Map<String, float[]> t = tensors(file);
    for (String dtype : List.of("BF16", "F16")) {
      ObjectNode header = new ObjectMapper().createObjectNode();
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      Map<String, float[]> expected = new LinkedHashMap<>();
      for (Map.Entry<String, float[]> e : t.entrySet()) {
        float[] v = e.getValue();
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        float[] want = new float[v.length];
        for (int i = 0; i < v.length; i++) {
          short h;
          if (dtype.equals("BF16")) {
            h = (short) (Float.floatToRawIntBits(v[i]) >>> 16);
            want[i] = HalfFloat.bf16ToFloat(h);
          } else {
            // a value every F16 holds exactly: k/1024 for small k, from the weight's sign and size
            int k = Math.round(v[i] * 1024) % 2048;
            h = halfOf(k / 1024f);
            want[i] = k / 1024f;
          }
          b.putShort(h);
        }
        ObjectNode entry = header.putObject(e.getKey());
        entry.put("dtype", dtype);
        var shape = entry.putArray("shape");
        for (long d : shapeOf(file, e.getKey())) shape.add(d);
        entry.putArray("data_offsets").add(data.size()).add(data.size() + v.length * 2);
        data.writeBytes(b.array());
        expected.put(e.getKey(), want);
      }
      String json = header.toString();
      while (json.length() % 8 != 0) {
        json += " ";
      }
      Path dir = Files.createDirectories(tmp.resolve(dtype));
      Files.copy(
          TestFiles.fixture("tiny_min_g1").resolve("config.json"), dir.resolve("config.json"));
      Files.write(dir.resolve("model.safetensors"), TestFiles.image(json, data.toByteArray()));
      AlbertModel m = ModelDirectory.load(dir);
      for (Map.Entry<String, float[]> e : expected.entrySet()) {
        assertArrayEquals(
            TestFiles.bits(e.getValue()),
            TestFiles.bits(m.parameters().toArray(e.getKey())),
            dtype + " " + e.getKey());
      }
    }
  }

  /** binary16 bits of a float that is exactly a half (test helper; |x| < 2, multiple of 2^-10). */
  private static short halfOf(float x) {
    if (x == 0) {
      return (short) (Float.floatToRawIntBits(x) >>> 16 & 0x8000);
    }
    int bits = Float.floatToRawIntBits(x);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = (bits >>> 13) & 0x3ff;
    assertTrue(exp > 0 && exp < 31 && (bits & 0x1fff) == 0, "not an exact normal half: " + x);
    return (short) (sign | exp << 10 | mant);
  }

  // ------------------------------------------------------------------ save

  @Test
  void saveThenLoadIsIdentical(@TempDir Path tmp) throws IOException {
    Path spiece = Files.write(tmp.resolve("some.model"), new byte[] {1, 2, 3, 4, 5});
    for (String name : FIXTURES) {
      AlbertModel m = ModelDirectory.load(TestFiles.fixture(name));
      Path out = tmp.resolve("saved").resolve(name);
      Provenance prov =
          Provenance.builder("test")
              .command(List.of("--fixture", name))
              .inputFile(spiece)
              .flags(Map.of("source", "fixture " + name, "git", "abc123"))
              .build();
      ModelDirectory.save(out, m, spiece, prov);
      AlbertModel back = ModelDirectory.load(out);
      assertEquals(m.config(), back.config(), name);
      assertEquals(m.head(), back.head(), name);
      assertSameParameters(m, back);
      ObjectMapper json = new ObjectMapper();
      assertEquals(
          json.readTree(TestFiles.fixture(name).resolve("config.json").toFile()),
          json.readTree(out.resolve("config.json").toFile()),
          name + ": config.json holds what HF's does");
      assertArrayEquals(
          new byte[] {1, 2, 3, 4, 5}, Files.readAllBytes(out.resolve("spiece.model")));
      assertEquals(out.resolve("spiece.model"), ModelDirectory.spieceModel(out).orElseThrow());
      assertEquals(prov, ModelDirectory.provenance(out).orElseThrow());
      try (var files = Files.list(out)) {
        assertEquals(
            List.of("albert_provenance.json", "config.json", "model.safetensors", "spiece.model"),
            files.map(p -> p.getFileName().toString()).sorted().toList(),
            "no temporary files left");
      }

      // The saved weights file: HF names, sorted, no tied aliases, aligned, {"format": "pt"},
      // and the same bytes as HF's own file (the fixture was written by HF save_pretrained).
      try (SafeTensorsFile f = SafeTensorsFile.open(out.resolve("model.safetensors"))) {
        List<String> names = f.names();
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        assertFalse(
            f.contains("predictions.decoder.weight") || f.contains("predictions.decoder.bias"));
        assertEquals(Map.of("format", "pt"), f.metadata());
        assertEquals(0, f.dataStart() % 8);
        for (String n : names) {
          assertEquals(DType.F32, f.info(n).dtype());
        }
      }
      assertArrayEquals(
          Files.readAllBytes(TestFiles.fixture(name).resolve("model.safetensors")),
          Files.readAllBytes(out.resolve("model.safetensors")),
          name + ": byte-identical to HF's file");
    }
  }

  @Test
  void resavingReplacesFilesAndDropsStaleProvenance(@TempDir Path tmp) throws IOException {
    AlbertModel m = ModelDirectory.load(TestFiles.fixture("tiny_min_g1"));
    Path out = tmp.resolve("m");
    Provenance prov = Provenance.builder("test").flags(Map.of("step", "1")).build();
    ModelDirectory.save(out, m, null, prov);
    assertEquals(prov, ModelDirectory.provenance(out).orElseThrow());
    assertTrue(ModelDirectory.spieceModel(out).isEmpty());
    m.parameters().slice("albert.pooler.bias").fill(0.5f);
    ModelDirectory.save(out, m, null);
    assertEquals(Optional.empty(), ModelDirectory.provenance(out));
    assertEquals(0.5f, ModelDirectory.load(out).parameters().slice("albert.pooler.bias").get(3));
  }

  @Test
  void aDirectoryWithoutProvenanceOrWithTheFlatFormatOfEarlierVersionsLoads(@TempDir Path tmp)
      throws IOException {
    Path hf = TestFiles.fixture("tiny_min_g1");
    assertEquals(Optional.empty(), ModelDirectory.provenance(hf), "HF writes none");

    Path out = tmp.resolve("m");
    ModelDirectory.save(out, ModelDirectory.load(hf), null);
    Files.writeString(
        out.resolve(ModelDirectory.PROVENANCE),
        "{\"created_at\" : \"2026-11-24T04:53:34Z\", \"created_by\" : \"albert init\","
            + " \"init_seed\" : \"7\", \"shape\" : \"config c.json\"}");
    assertSameParameters(ModelDirectory.load(hf), ModelDirectory.load(out));
    Provenance old = ModelDirectory.provenance(out).orElseThrow();
    assertEquals("albert init", old.tool());
    assertEquals("2026-11-24T04:53:34Z", old.createdAt());
    assertEquals(Map.of("init_seed", "7", "shape", "config c.json"), old.flags());
    assertNull(old.version(), "the flat format recorded none");

    Files.writeString(out.resolve(ModelDirectory.PROVENANCE), "[1]");
    IOException e = assertThrows(IOException.class, () -> ModelDirectory.provenance(out));
    assertTrue(e.getMessage().contains("must hold a JSON object"), e.getMessage());
    ModelDirectory.load(out); // loading does not read the provenance
  }

  @Test
  void saveWritesArchitecturesMatchingTheHead(@TempDir Path tmp) throws IOException {
    AlbertConfig config =
        AlbertConfig.read(TestFiles.fixture("tiny_min_g1").resolve("config.json"))
            .with(Map.of("architectures", List.of("AlbertForPreTraining")));
    AlbertConfig seqcls =
        config
            .forSequenceClassification(List.of("neg", "pos"))
            .with(Map.of("architectures", List.of("AlbertModel")));
    AlbertModel m = AlbertModel.initialize(seqcls, Head.SEQUENCE_CLASSIFICATION, 7);
    ModelDirectory.save(tmp, m, null);
    AlbertModel back = ModelDirectory.load(tmp);
    assertEquals(Head.SEQUENCE_CLASSIFICATION, back.head());
    assertEquals(List.of("AlbertForSequenceClassification"), back.config().architectures());
    assertSameParameters(m, back);
  }

  // ------------------------------------------------------------------ bad directories

  @Test
  void reportsAllMissingUnexpectedAndMisShapedTensorsInOneMessage(@TempDir Path tmp)
      throws IOException {
    Path file = TestFiles.fixture("tiny").resolve("model.safetensors");
    SafeTensorsWriter w =
        writerOf(
            file,
            n ->
                !n.equals("albert.pooler.bias")
                    && !n.equals("sop_classifier.classifier.weight")
                    && !n.equals("albert.pooler.weight")
                    && !n.equals("predictions.dense.bias"));
    w.addFloats("albert.pooler.weight", new long[] {32, 128}, new float[32 * 128]);
    w.addLongs("predictions.dense.bias", new long[] {32}, new long[32]);
    w.addFloats("classifier.weight", new long[] {2, 64}, new float[128]);
    w.addFloats("something.else", new long[] {1}, new float[1]);
    Path dir = dirWith(tmp, "tiny", w);
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectory.load(dir));
    String msg = e.getMessage();
    assertEquals(List.of("albert.pooler.bias", "sop_classifier.classifier.weight"), e.missing());
    assertEquals(List.of("something.else"), e.unexpected()); // classifier.*: another head, ignored
    assertEquals(2, e.problems().size(), msg);
    for (String s :
        List.of(
            "missing (2): albert.pooler.bias, sop_classifier.classifier.weight",
            "unexpected (1): something.else",
            "albert.pooler.weight: shape [32, 128], expected [64, 64]",
            "predictions.dense.bias: dtype I64, expected a floating-point type",
            dir.resolve("model.safetensors").toString())) {
      assertTrue(msg.contains(s), "message lacks '" + s + "':\n" + msg);
    }
  }

  @Test
  void aliasThatDiffersFromTheTiedTensorIsRejected(@TempDir Path tmp) throws IOException {
    Path full = TestFiles.fixture("tiny").resolve("model_full_state_dict.safetensors");
    Map<String, float[]> t = tensors(full);
    t.get("predictions.decoder.weight")[5 * 32 + 1] += 1f;
    SafeTensorsWriter w = new SafeTensorsWriter();
    for (Map.Entry<String, float[]> e : t.entrySet()) {
      w.addFloats(e.getKey(), shapeOf(full, e.getKey()), e.getValue());
    }
    Path dir = dirWith(tmp, "tiny", w);
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectory.load(dir));
    assertTrue(
        e.getMessage()
            .contains(
                "predictions.decoder.weight: differs from albert.embeddings.word_embeddings.weight (element 161"),
        e.getMessage());
  }

  @Test
  void misShapedAliasIsReported(@TempDir Path tmp) throws IOException {
    Path file = TestFiles.fixture("tiny").resolve("model.safetensors");
    SafeTensorsWriter w =
        writerOf(file, n -> true)
            .addFloats("predictions.decoder.weight", new long[] {32, 1000}, new float[32000])
            .addFloats("predictions.decoder.bias", new long[] {999}, new float[999]);
    Path dir = dirWith(tmp, "tiny", w);
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectory.load(dir));
    assertTrue(
        e.getMessage()
            .contains("predictions.decoder.weight: shape [32, 1000], expected [1000, 32]"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("predictions.decoder.bias: shape [999], expected [1000]"),
        e.getMessage());
  }

  @Test
  void sequenceClassifierFromPretrainingWeightsInitializesTheClassifier(@TempDir Path tmp)
      throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Files.copy(TestFiles.fixture("tiny_seqcls").resolve("config.json"), dir.resolve("config.json"));
    Files.copy(
        TestFiles.fixture("tiny").resolve("model_full_state_dict.safetensors"),
        dir.resolve("model.safetensors"));
    AlbertModel m = ModelDirectory.load(dir);
    assertEquals(Head.SEQUENCE_CLASSIFICATION, m.head());
    try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
      assertArrayEquals(
          f.floats("albert.pooler.weight"), m.parameters().toArray("albert.pooler.weight"));
    }
    float[] w = m.parameters().toArray("classifier.weight");
    double sq = 0;
    for (float v : w) {
      sq += v * v;
    }
    double std = Math.sqrt(sq / w.length);
    assertTrue(std > 0.01 && std < 0.04, "classifier initialized ~N(0, 0.02), got std " + std);
    assertArrayEquals(new float[3], m.parameters().toArray("classifier.bias"));
    // the same load twice gives the same initialization
    assertArrayEquals(w, ModelDirectory.load(dir).parameters().toArray("classifier.weight"));
  }

  @Test
  void huggingFaceMaskedLmCheckpointGetsAFreshSentenceOrderHead(@TempDir Path tmp)
      throws IOException {
    // HF's albert-base-v2 is saved as AlbertForMaskedLM: no sop_classifier tensors
    Path file = TestFiles.fixture("tiny").resolve("model.safetensors");
    Path dir = dirWith(tmp, "tiny", writerOf(file, n -> !n.startsWith("sop_classifier.")));
    Files.writeString(
        dir.resolve("config.json"),
        Files.readString(dir.resolve("config.json"))
            .replace("AlbertForPreTraining", "AlbertForMaskedLM"));
    AlbertModel m = ModelDirectory.load(dir);
    assertEquals(Head.PRETRAINING, m.head());
    try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
      assertArrayEquals(
          f.floats("predictions.dense.weight"), m.parameters().toArray("predictions.dense.weight"));
    }
    assertArrayEquals(new float[2], m.parameters().toArray("sop_classifier.classifier.bias"));
  }

  @Test
  void aPartlyMissingHeadIsStillAnError(@TempDir Path tmp) throws IOException {
    Path file = TestFiles.fixture("tiny").resolve("model.safetensors");
    Path dir = dirWith(tmp, "tiny", writerOf(file, n -> !n.equals("predictions.dense.bias")));
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectory.load(dir));
    assertEquals(List.of("predictions.dense.bias"), e.missing());
  }

  @Test
  void missingFilesAreNamed(@TempDir Path tmp) throws IOException {
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ModelDirectory.load(tmp));
    assertTrue(e.getMessage().contains("no config.json"), e.getMessage());
    Files.copy(TestFiles.fixture("tiny").resolve("config.json"), tmp.resolve("config.json"));
    Files.write(tmp.resolve("pytorch_model.bin"), new byte[1]);
    e = assertThrows(NoSuchFileException.class, () -> ModelDirectory.load(tmp));
    assertTrue(
        e.getMessage().contains("no model.safetensors (only safetensors weights are read"),
        e.getMessage());
  }

  @Test
  void malformedWeightsFileSurfacesTheFormatError(@TempDir Path tmp) throws IOException {
    Files.copy(TestFiles.fixture("tiny").resolve("config.json"), tmp.resolve("config.json"));
    Files.write(
        tmp.resolve("model.safetensors"), TestFiles.image(1L << 40, new byte[0], new byte[0]));
    SafeTensorsFormatException e =
        assertThrows(SafeTensorsFormatException.class, () -> ModelDirectory.load(tmp));
    assertTrue(
        e.getMessage().contains("model.safetensors: header length 1099511627776 is absurd"),
        e.getMessage());
  }
}
