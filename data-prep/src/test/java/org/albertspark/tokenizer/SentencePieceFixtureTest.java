package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our encoder against spm_encode's output on the 1,000 held-out lines, raw and preprocessed, both
 * models.
 */
class SentencePieceFixtureTest {

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String m : Fixtures.MODELS) {
      out.add(Arguments.of(m, "heldout"));
      out.add(Arguments.of(m, "heldout_preprocessed"));
    }
    return out.stream();
  }

  private static List<String> inputs(String variant) throws Exception {
    if (variant.equals("heldout")) {
      List<String> texts = Fixtures.heldoutTexts();
      // The .txt form split on '\n' only must be the same lines.
      assertEquals(texts, Fixtures.lines("heldout.txt"), "heldout.txt vs heldout.jsonl");
      return texts;
    }
    return Fixtures.lines("heldout_preprocessed.txt");
  }

  @ParameterizedTest(name = "{0} {1} ids")
  @MethodSource("cases")
  void idsIdenticalToSpmEncode(String model, String variant) throws Exception {
    SentencePieceModel sp = Fixtures.model(model);
    List<String> in = inputs(variant);
    List<String> expected = Fixtures.lines(model + "." + variant + ".ids.txt");
    assertEquals(1000, in.size());
    assertEquals(in.size(), expected.size(), "line count");
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      String got = Fixtures.join(sp.encodeAsIds(in.get(i)));
      if (!got.equals(expected.get(i))) {
        mismatches.add(
            "line "
                + i
                + " "
                + in.get(i)
                + "\n  expected "
                + expected.get(i)
                + "\n  got      "
                + got);
      }
    }
    assertTrue(
        mismatches.isEmpty(),
        mismatches.size()
            + " mismatches:\n"
            + String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))));
  }

  @ParameterizedTest(name = "{0} {1} pieces")
  @MethodSource("cases")
  void piecesIdenticalToSpmEncode(String model, String variant) throws Exception {
    SentencePieceModel sp = Fixtures.model(model);
    List<String> in = inputs(variant);
    List<String> expected = Fixtures.lines(model + "." + variant + ".pieces.txt");
    assertEquals(in.size(), expected.size(), "line count");
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      String got = String.join(" ", sp.encodeAsPieces(in.get(i)));
      if (!got.equals(expected.get(i))) {
        mismatches.add(
            "line "
                + i
                + " "
                + in.get(i)
                + "\n  expected "
                + expected.get(i)
                + "\n  got      "
                + got);
      }
    }
    assertTrue(
        mismatches.isEmpty(),
        mismatches.size()
            + " mismatches:\n"
            + String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))));
  }

  @ParameterizedTest(name = "{0} raw UTF-8 byte API agrees with the String API")
  @ValueSource(strings = {"albert-30k", "unigram-2000"})
  void utf8ApiAgrees(String model) throws Exception {
    SentencePieceModel sp = Fixtures.model(model);
    for (String line : Fixtures.heldoutTexts()) {
      byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      assertArrayEquals(sp.encodeAsIds(line), sp.encodeUtf8AsIds(b, 0, b.length), line);
      assertEquals(sp.encodeAsPieces(line), sp.encodeUtf8AsPieces(b, 0, b.length), line);
    }
  }

  @ParameterizedTest(name = "{0} ModelProto round-trips byte for byte")
  @ValueSource(strings = {"albert-30k", "unigram-2000"})
  void modelRoundTripsByteForByte(String model) throws Exception {
    byte[] original = Files.readAllBytes(Fixtures.file(model + ".model"));
    SentencePieceModel m = SentencePieceModel.fromBytes(original);
    assertArrayEquals(original, m.toBytes());
    assertArrayEquals(original, SentencePieceModel.fromBytes(m.toBytes()).toBytes());
    assertArrayEquals(original, ModelProto.parse(original).toBuilder().build().toBytes());
  }

  @ParameterizedTest(name = "{0} vocabulary accessors")
  @ValueSource(strings = {"albert-30k", "unigram-2000"})
  void vocabulary(String model) {
    SentencePieceModel m = Fixtures.model(model);
    assertEquals(model.equals("albert-30k") ? 30000 : 2000, m.size());
    assertEquals(0, m.padId());
    assertEquals(1, m.unkId());
    assertEquals(-1, m.bosId());
    assertEquals(-1, m.eosId());
    assertEquals("<pad>", m.idToPiece(0));
    assertEquals("<unk>", m.idToPiece(1));
    assertEquals(PieceType.UNKNOWN, m.type(1));
    assertEquals(PieceType.CONTROL, m.type(m.pieceToId("[MASK]")));
    assertEquals(PieceType.USER_DEFINED, m.type(m.pieceToId("(")));
    assertEquals(m.unkId(), m.pieceToId("no such piece \u0000"));
    for (int i = 0; i < m.size(); i++) {
      assertEquals(i, m.pieceToId(m.idToPiece(i)));
    }
    assertEquals("nmt_nfkc", m.proto().normalizerSpec().name());
  }
}
