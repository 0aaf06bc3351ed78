package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RobustnessTest {

  private static SentencePieceModel albert() {
    return Fixtures.model("albert-30k");
  }

  @Test
  void emptyAndWhitespaceOnlyLines() {
    SentencePieceModel m = albert();
    for (String s : new String[] {"", " ", "   ", "\t", "\r", "\u3000", "\u00a0 \u2028"}) {
      assertEquals(0, m.encodeAsIds(s).length, "[" + s + "]");
      assertEquals(List.of(), m.encodeAsPieces(s));
    }
    AlbertTokenizer t = new AlbertTokenizer(m);
    assertEquals(List.of(), t.tokenize(""));
    assertArrayEquals(new int[] {t.clsId(), t.sepId()}, t.encode("", null, 0, false).inputIds());
    assertEquals("", m.decodeIds(new int[0]));
  }

  /**
   * A lone surrogate has no UTF-8 form; it is handled like one malformed UTF-8 byte in spm_encode's
   * input: a U+FFFD character that is not normalized further, i.e. an unknown piece (merged with
   * adjacent unknowns). Expected values come from spm_encode 0.1.97 on the same bytes with 0xFF.
   */
  @Test
  void loneSurrogatesAreMalformedInput() {
    SentencePieceModel m = albert();
    byte[] ff = {'x', (byte) 0xFF, (byte) 0xFF, 'y'};
    assertArrayEquals(m.encodeUtf8AsIds(ff, 0, ff.length), m.encodeAsIds("x\uDC00\uD800y"));
    assertEquals(List.of("\u2581x", "\uFFFD\uFFFD", "y"), m.encodeAsPieces("x\uDC00\uD800y"));
    assertArrayEquals(new int[] {993, 1, 93}, m.encodeAsIds("x\uDC00\uD800y"));
    assertArrayEquals(new int[] {993, 1, 93}, m.encodeAsIds("x\uD800y"));
    // A literal U+FFFD is different: nmt_nfkc maps it to a space (spm_encode: "▁x ▁ y").
    assertEquals(List.of("\u2581x", "\u2581", "y"), m.encodeAsPieces("x\uFFFD\uFFFDy"));
    // A proper pair is one supplementary character.
    assertArrayEquals(
        m.encodeAsIds("\uD83D\uDE00"), m.encodeAsIds(new String(Character.toChars(0x1F600))));
    assertArrayEquals(new int[] {13, m.unkId()}, m.encodeAsIds("\uD800"));
    assertArrayEquals(new int[] {13, m.unkId()}, m.encodeAsIds("\uDFFF\uDBFF"));
    AlbertTokenizer t = new AlbertTokenizer(m);
    assertEquals(List.of("\u2581", "\uFFFD"), t.tokenize("\uD800"));
    assertEquals(List.of("\u2581", "\uFFFD"), t.tokenize("\uD800"));
    // Invalid UTF-8 bytes: one U+FFFD per byte (spm_encode: "▁a �� b", ids 21 1 220).
    byte[] bad = {'a', (byte) 0xFF, (byte) 0xC3, 'b'};
    assertEquals(List.of("\u2581a", "\uFFFD\uFFFD", "b"), m.encodeUtf8AsPieces(bad, 0, bad.length));
    assertArrayEquals(new int[] {21, 1, 220}, m.encodeUtf8AsIds(bad, 0, bad.length));
    // A CESU/WTF-8 encoded surrogate is three malformed bytes (spm_encode: "▁x ��� y").
    byte[] cesu = {'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'y'};
    assertEquals(
        List.of("\u2581x", "\uFFFD\uFFFD\uFFFD", "y"), m.encodeUtf8AsPieces(cesu, 0, cesu.length));
  }

  /** Expected values from spm_encode 0.1.97 with albert-30k.model. */
  @Test
  void nulAndControlCharacters() {
    SentencePieceModel m = albert();
    assertArrayEquals(
        new int[] {5941}, m.encodeAsIds("a\u0001b")); // nmt_nfkc drops C0 controls: "▁ab"
    assertArrayEquals(new int[] {13, 1}, m.encodeAsIds("\u0000")); // NUL passes through: unknown
    assertEquals(List.of("\u2581", "\u0000"), m.encodeAsPieces("\u0000"));
    assertArrayEquals(new int[] {21, 1, 220}, m.encodeAsIds("a\u0000b"));
    assertEquals(List.of("\u2581a", "\u2581b"), m.encodeAsPieces("a\tb")); // TAB → space
    assertArrayEquals(new int[] {21, 334}, m.encodeAsIds("a\tb"));
    for (int c = 0; c < 0x20; c++) {
      String s = "a" + (char) c + "b";
      assertEquals(m.encodeAsIds(s).length, m.encodeAsPieces(s).size(), "control " + c);
    }
    AlbertTokenizer t = new AlbertTokenizer(m);
    assertEquals(
        t.tokenize("\u0000\u0001\u007f\u0085\u200b\ufeff").size(),
        t.tokenizeToIds("\u0000\u0001\u007f\u0085\u200b\ufeff").length);
  }

  @Test
  void literalSpecialTokensAreText() {
    SentencePieceModel m = albert();
    AlbertTokenizer t = new AlbertTokenizer(m);
    List<String> toks = t.tokenize("a [MASK] b <unk> <pad> [CLS] [SEP]");
    assertFalse(toks.contains("[MASK]"));
    for (int id : t.tokenizeToIds("a [MASK] b <unk> <pad> [CLS] [SEP]")) {
      assertFalse(m.type(id) == PieceType.CONTROL, "control id " + id + " produced from text");
    }
    // spm_encode: "▁[ MASK ]" = 636 1 500 ("MASK" is not in the vocabulary: unknown).
    assertEquals(List.of("\u2581[", "MASK", "]"), m.encodeAsPieces("[MASK]"));
    assertArrayEquals(new int[] {636, 1, 500}, m.encodeAsIds("[MASK]"));
    assertEquals(List.of("\u2581[", "mask", "]"), t.tokenize("[MASK]"));
    assertEquals(List.of("\u2581", "<", "unk", ">"), m.encodeAsPieces("<unk>"));
    assertArrayEquals(new int[] {13, 1, 17081, 1}, m.encodeAsIds("<unk>"));
  }

  @Test
  void tenMegabyteSingleLineInLinearTime() {
    SentencePieceModel m = albert();
    StringBuilder sb = new StringBuilder(10_500_000);
    Random r = new Random(1);
    String[] words = {
      "the",
      "quick",
      "brown",
      "fox",
      "jumps",
      "über",
      "naïve",
      "1,000",
      "日本語",
      "😀",
      "antidisestablishment"
    };
    while (sb.length() < 10_000_000) {
      sb.append(words[r.nextInt(words.length)]).append(' ');
    }
    String big = sb.toString();
    String noSpaces = "x".repeat(10_000_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          int[] ids = m.encodeAsIds(big);
          assertTrue(ids.length > 1_000_000);
          int[] ids2 = m.encodeAsIds(noSpaces);
          assertTrue(ids2.length > 0);
          // One unknown character repeated: a single merged unknown piece.
          int[] unk = m.encodeAsIds("\u0d9e".repeat(3_000_000));
          assertArrayEquals(new int[] {13, 1}, unk);
        });
    // Encoding a chunk separately gives the same as inside the big line (spaces split words).
    String head = big.substring(0, big.indexOf(' ', 1000));
    int[] headIds = m.encodeAsIds(head);
    assertArrayEquals(headIds, Arrays.copyOf(m.encodeAsIds(big), headIds.length));
  }

  @Test
  void decodeRoundTrips() throws Exception {
    for (String name : Fixtures.MODELS) {
      SentencePieceModel m = Fixtures.model(name);
      for (String line : Fixtures.heldoutTexts()) {
        String norm = m.normalizer().normalize(line);
        String expected = norm.replace('\u2581', ' ').strip();
        expected =
            norm.startsWith("\u2581")
                ? norm.substring(1).replace('\u2581', ' ')
                : norm.replace('\u2581', ' ');
        List<String> pieces = m.encodeAsPieces(line);
        assertEquals(expected, m.decodePieces(pieces), line);
        // Ids lose the surface of unknown pieces: they decode to " ⁇ ".
        int[] ids = m.encodeAsIds(line);
        String viaIds = m.decodeIds(ids);
        if (Arrays.stream(ids).noneMatch(id -> id == m.unkId())) {
          assertEquals(expected, viaIds, line);
        } else {
          assertTrue(viaIds.contains("\u2047"), line);
        }
        // Re-encoding the decoded text is stable.
        assertArrayEquals(ids, m.encodeAsIds(m.decodePieces(pieces)), line);
      }
    }
    SentencePieceModel m = albert();
    assertEquals("hello world", m.decodeIds(m.encodeAsIds("  Hello   world  ".toLowerCase())));
    assertThrows(IllegalArgumentException.class, () -> m.decodeIds(new int[] {30000}));
    assertThrows(IllegalArgumentException.class, () -> m.decodeIds(new int[] {-1}));
    assertEquals("", m.decodeIds(new int[] {2, 3, 4})); // control symbols are invisible
  }

  @Test
  void normalizerMatchesNmtNfkc() {
    Normalizer n = albert().normalizer();
    assertEquals("\u2581hello\u2581world", n.normalize("  hello \t  world  "));
    assertEquals("\u2581ABC", n.normalize("\uff21\uff22\uff23")); // full-width → ASCII (NFKC)
    assertEquals("", n.normalize("   "));
    assertEquals("", n.normalize(""));
  }

  // ------------------------------------------------------------------ corrupt models

  /**
   * A model that ships with the tests (trained with spm_train; nfkc_cf charsmap, byte fallback).
   */
  private static byte[] shippedModel() throws IOException {
    try (java.io.InputStream in =
        RobustnessTest.class.getResourceAsStream("trained/unigram-bytes-300.model")) {
      return in.readAllBytes();
    }
  }

  @Test
  void truncatedModelFilesGiveClearErrors(@TempDir Path tmp) throws Exception {
    byte[] good = shippedModel();
    Random r = new Random(42);
    int[] cuts = new int[60];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = r.nextInt(good.length);
    }
    cuts[0] = 0;
    cuts[1] = 1;
    cuts[2] = good.length - 1;
    cuts[3] = good.length - 100_000; // inside the charsmap
    for (int cut : cuts) {
      byte[] b = Arrays.copyOf(good, cut);
      Path f = tmp.resolve("cut.model");
      Files.write(f, b);
      IOException e =
          assertThrows(IOException.class, () -> SentencePieceModel.load(f), "cut at " + cut);
      assertTrue(e.getMessage().contains("not a valid SentencePiece model"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class, () -> SentencePieceModel.fromBytes(b), "cut at " + cut);
    }
  }

  @Test
  void corruptedModelFilesNeverCrashOrHang() throws Exception {
    byte[] good = shippedModel();
    Random r = new Random(7);
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          for (int trial = 0; trial < 80; trial++) {
            byte[] b = good.clone();
            int flips = 1 + r.nextInt(8);
            for (int k = 0; k < flips; k++) {
              b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
            try {
              SentencePieceModel m = SentencePieceModel.fromBytes(b);
              m.encodeAsIds("Hello, world! 3.0, über 日本");
              m.encodeAsPieces("  the  quick \u0000 brown fox ");
            } catch (IllegalArgumentException expected) {
              assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
            }
          }
          for (int trial = 0; trial < 300; trial++) {
            byte[] junk = new byte[r.nextInt(2000)];
            r.nextBytes(junk);
            assertThrows(IllegalArgumentException.class, () -> SentencePieceModel.fromBytes(junk));
          }
        });
    // Specific malformations.
    assertThrows(
        IllegalArgumentException.class, () -> ProtoMessage.parse(new byte[] {(byte) 0x80}));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ProtoMessage.parse(
                new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F}));
    byte[] tenFF = new byte[12];
    Arrays.fill(tenFF, (byte) 0xFF);
    tenFF[0] = 0x08;
    assertThrows(IllegalArgumentException.class, () -> ProtoMessage.parse(tenFF));
    assertThrows(
        IllegalArgumentException.class,
        () -> ProtoMessage.parse(new byte[] {0x0B})); // group wire type
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              Path f = Files.createTempFile("text", ".model");
              try {
                Files.writeString(f, "this is not a model\n");
                SentencePieceModel.load(f);
              } finally {
                Files.delete(f);
              }
            });
    assertTrue(e.getMessage().contains("not a valid SentencePiece model"), e.getMessage());
  }

  // ------------------------------------------------------------------ models built in code

  @Test
  void modelBuiltInCodeSerializesAndEncodes() {
    SentencePieceModel ref = albert();
    ModelProto.Builder b = ModelProto.builder();
    b.addPiece("<unk>", 0f, PieceType.UNKNOWN);
    b.addPiece("<s>", 0f, PieceType.CONTROL);
    b.addPiece("</s>", 0f, PieceType.CONTROL);
    b.addPiece("[X]", 0f, PieceType.USER_DEFINED);
    String[] normal = {"\u2581", "a", "b", "c", "\u2581a", "ab", "\u2581abc", "bc"};
    float score = -1f;
    for (String p : normal) b.addPiece(p, score -= 0.5f, PieceType.NORMAL);
    b.trainerSpec(
        TrainerSpec.builder()
            .modelType(TrainerSpec.ModelType.UNIGRAM)
            .vocabSize(12)
            .unkId(0)
            .bosId(1)
            .eosId(2)
            .build());
    b.normalizerSpec(ref.proto().normalizerSpec());
    ModelProto proto = b.build();
    byte[] bytes = proto.toBytes();
    SentencePieceModel m = SentencePieceModel.fromBytes(bytes);
    assertArrayEquals(bytes, m.toBytes());
    assertEquals(12, m.size());
    assertEquals(1, m.bosId());
    assertEquals(2, m.eosId());
    assertEquals(-1, m.padId());
    // Expected values from spm_encode 0.1.97 run on this serialized model.
    assertEquals(List.of("\u2581abc", "\u2581", "[X]", "ab"), m.encodeAsPieces("abc [X]ab"));
    assertArrayEquals(new int[] {10, 4, 3, 9}, m.encodeAsIds("abc [X]ab"));
    assertEquals(List.of("\u2581abc", "\u2581", "dd", "\u2581a"), m.encodeAsPieces("abc dd a"));
    assertArrayEquals(new int[] {10, 4, 0, 8}, m.encodeAsIds("abc dd a"));
    assertArrayEquals(new int[] {4, 3, 3, 9, 9}, m.encodeAsIds("[X][X]abab"));
    // Unknown fields survive a round trip through the typed API.
    ModelProto withExtra =
        proto.toBuilder()
            .trainerSpec(
                new TrainerSpec(
                    proto.trainerSpec().raw().toBuilder().setString(999, "future").build()))
            .build();
    ModelProto reparsed = ModelProto.parse(withExtra.toBytes());
    assertEquals("future", reparsed.trainerSpec().raw().getString(999, null));
    assertArrayEquals(withExtra.toBytes(), reparsed.toBytes());
  }

  @Test
  void byteFallback() {
    SentencePieceModel ref = albert();
    ModelProto.Builder b = ModelProto.builder();
    b.addPiece("<unk>", 0f, PieceType.UNKNOWN);
    for (int i = 0; i < 256; i++) {
      b.addPiece(SentencePieceModel.byteToPiece(i), 0f, PieceType.BYTE);
    }
    String[] normal = {"\u2581", "a", "b", "\u2581a"};
    float score = -1f;
    for (String p : normal) b.addPiece(p, score -= 0.5f, PieceType.NORMAL);
    b.trainerSpec(TrainerSpec.builder().byteFallback(true).unkId(0).bosId(-1).eosId(-1).build());
    b.normalizerSpec(ref.proto().normalizerSpec());
    SentencePieceModel m = SentencePieceModel.fromProto(b.build());
    // "é" is C3 A9 in UTF-8: two byte pieces, no unknown.
    assertEquals(List.of("\u2581a", "<0xC3>", "<0xA9>", "b"), m.encodeAsPieces("aéb"));
    // Expected values from spm_encode 0.1.97 run on this serialized model.
    assertArrayEquals(new int[] {260, 1 + 0xC3, 1 + 0xA9, 259}, m.encodeAsIds("aéb"));
    assertEquals(List.of("\u2581", "<0x7A>", "<0x7A>"), m.encodeAsPieces("zz"));
    assertArrayEquals(new int[] {257, 123, 123}, m.encodeAsIds("zz"));
    assertEquals("aé", m.decodePieces(List.of("<0x61>", "<0xC3>", "<0xA9>"))); // spm_decode: "aé"
    assertEquals("aéb", m.decodeIds(m.encodeAsIds("aéb")));
    assertEquals("a\uFFFDb", m.decodePieces(List.of("\u2581a", "<0xC3>", "b")));
    // Byte pieces without byte_fallback are rejected, as SentencePiece does.
    ModelProto noFallback = b.trainerSpec(TrainerSpec.builder().unkId(0).build()).build();
    assertThrows(IllegalArgumentException.class, () -> SentencePieceModel.fromProto(noFallback));
  }

  @Test
  void invalidVocabulariesAreRejected() {
    NormalizerSpec ns = NormalizerSpec.builder().name("identity").build();
    TrainerSpec ts = TrainerSpec.builder().build();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SentencePieceModel.fromProto(
                ModelProto.builder()
                    .normalizerSpec(ns)
                    .trainerSpec(ts)
                    .addPiece("a", 0, PieceType.NORMAL)
                    .build()),
        "no unk");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SentencePieceModel.fromProto(
                ModelProto.builder()
                    .normalizerSpec(ns)
                    .trainerSpec(ts)
                    .addPiece("<unk>", 0, PieceType.UNKNOWN)
                    .addPiece("a", 0, PieceType.NORMAL)
                    .addPiece("a", 0, PieceType.NORMAL)
                    .build()),
        "duplicate");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SentencePieceModel.fromProto(
                ModelProto.builder()
                    .normalizerSpec(ns)
                    .trainerSpec(ts)
                    .addPiece("<unk>", 0, PieceType.UNKNOWN)
                    .addPiece("", 0, PieceType.NORMAL)
                    .build()),
        "empty piece");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SentencePieceModel.fromProto(
                ModelProto.builder()
                    .trainerSpec(ts)
                    .addPiece("<unk>", 0, PieceType.UNKNOWN)
                    .build()),
        "no normalizer_spec");
    // identity normalizer: no charsmap, text kept as is.
    SentencePieceModel id =
        SentencePieceModel.fromProto(
            ModelProto.builder()
                .normalizerSpec(ns)
                .trainerSpec(ts)
                .addPiece("<unk>", 0, PieceType.UNKNOWN)
                .addPiece("\u2581", -1, PieceType.NORMAL)
                .addPiece("Ａ", -1, PieceType.NORMAL)
                .build());
    assertEquals(List.of("\u2581", "Ａ"), id.encodeAsPieces("Ａ"));
    assertEquals(
        "\u2581\u2581x",
        Normalizer.of(NormalizerSpec.builder().removeExtraWhitespaces(false).build())
            .normalize(" x"));
  }
}
