package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BPE, byte fallback, nfkc_cf / identity normalization, user-defined and control symbols: small
 * models trained with spm_train 0.1.97, expected output from spm_encode 0.1.97 (see
 * resources/org/albertspark/tokenizer/trained/README.md). These ship with the project, so this test
 * always runs.
 */
class TrainedModelsTest {

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TrainedModelsTest.class.getResourceAsStream("trained/" + name)) {
      assertNotNull(in, "missing test resource trained/" + name);
      return in.readAllBytes();
    }
  }

  private static List<String> lines(String name) throws IOException {
    return Fixtures.splitLines(new String(resource(name), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bpe-500", "unigram-bytes-300", "bpe-plain-200"})
  void identicalToSpmEncode(String model) throws Exception {
    byte[] bytes = resource(model + ".model");
    SentencePieceModel m = SentencePieceModel.fromBytes(bytes);
    assertArrayEquals(bytes, m.toBytes(), "byte-for-byte round trip");
    List<String> in = lines("test.txt");
    List<String> ids = lines(model + ".ids.txt");
    List<String> pieces = lines(model + ".pieces.txt");
    assertEquals(in.size(), ids.size());
    assertEquals(in.size(), pieces.size());
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      String gotIds = Fixtures.join(m.encodeAsIds(in.get(i)));
      String gotPieces = String.join(" ", m.encodeAsPieces(in.get(i)));
      if (!gotIds.equals(ids.get(i)) || !gotPieces.equals(pieces.get(i))) {
        bad.add(
            "line "
                + i
                + " "
                + in.get(i)
                + "\n  expected "
                + pieces.get(i)
                + "\n  got      "
                + gotPieces
                + "\n  expected "
                + ids.get(i)
                + "\n  got      "
                + gotIds);
      }
    }
    assertTrue(
        bad.isEmpty(),
        bad.size() + " mismatches:\n" + String.join("\n", bad.subList(0, Math.min(8, bad.size()))));
  }

  @ParameterizedTest(name = "{0} decodes its own encoding")
  @ValueSource(strings = {"bpe-500", "unigram-bytes-300"})
  void byteFallbackDecodesLosslessly(String model) throws Exception {
    SentencePieceModel m = SentencePieceModel.fromBytes(resource(model + ".model"));
    for (String line : lines("test.txt")) {
      String norm = m.normalizer().normalize(line);
      String expected =
          (norm.startsWith("\u2581") ? norm.substring(1) : norm).replace('\u2581', ' ');
      assertEquals(expected, m.decodeIds(m.encodeAsIds(line)), line);
    }
  }
}
