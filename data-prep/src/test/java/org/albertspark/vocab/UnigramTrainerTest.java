package org.albertspark.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.albertspark.tokenizer.ModelProto;
import org.albertspark.tokenizer.PieceType;
import org.albertspark.tokenizer.SentencePieceModel;
import org.junit.jupiter.api.Test;

class UnigramTrainerTest {

  /** A synthetic corpus with a Zipf-like vocabulary of made-up words, punctuation and numbers. */
  static List<String> corpus(int lines, long seed) {
    Random r = new Random(seed);
    String[] syll = {
      "ka", "to", "ri", "en", "ma", "sho", "ul", "ver", "ing", "de", "la", "pre", "ti", "on", "ex"
    };
    List<String> vocab = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int n = 1 + r.nextInt(4);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < n; k++) {
        sb.append(syll[r.nextInt(syll.length)]);
      }
      vocab.add(i % 7 == 0 ? Character.toUpperCase(sb.charAt(0)) + sb.substring(1) : sb.toString());
    }
    List<String> out = new ArrayList<>();
    for (int l = 0; l < lines; l++) {
      StringBuilder sb = new StringBuilder();
      int n = 3 + r.nextInt(12);
      for (int k = 0; k < n; k++) {
        if (k > 0) {
          sb.append(' ');
        }
        int idx = (int) Math.min(vocab.size() - 1, Math.abs(r.nextGaussian()) * 60);
        sb.append(vocab.get(idx));
        double p = r.nextDouble();
        if (p < 0.05) {
          sb.append(',');
        } else if (p < 0.08) {
          sb.append('.');
        } else if (p < 0.10) {
          sb.append("-").append(vocab.get(r.nextInt(50)));
        } else if (p < 0.11) {
          sb.append(' ').append(r.nextInt(2000));
        } else if (p < 0.115) {
          sb.append(" café (naïve)");
        }
      }
      out.add(sb.toString());
    }
    return out;
  }

  static Map<String, Long> countWords(List<String> lines, UnigramTrainerOptions o) {
    TextPipeline tp = new TextPipeline(true, o);
    Map<String, Long> m = new HashMap<>();
    List<String> ws = new ArrayList<>();
    for (String l : lines) {
      ws.clear();
      tp.words(l, ws, false);
      for (String w : ws) m.merge(w, 1L, Long::sum);
    }
    return m;
  }

  static UnigramTrainerOptions small(int vocab, int threads) {
    return UnigramTrainerOptions.builder()
        .vocabSize(vocab)
        .numThreads(threads)
        .seedSentencepieceSize(20000)
        .build();
  }

  static byte[] train(Map<String, Long> words, UnigramTrainerOptions o) {
    TrainedVocab v = new UnigramTrainer(o, s -> {}).train(WordTable.of(words, o));
    return VocabModelWriter.build(v, o, new VocabModelWriter.RunInfo(List.of("mem"), "mem", "text"))
        .toBytes();
  }

  @Test
  void trainsDeterministicallyWhateverTheThreadCount() {
    UnigramTrainerOptions o1 = small(300, 1);
    Map<String, Long> words = countWords(corpus(3000, 7), o1);
    byte[] a = train(words, o1);
    byte[] b = train(new HashMap<>(words), small(300, 4));
    assertArrayEquals(a, b);
    assertEquals(300, ModelProto.parse(a).pieces().size());
  }

  @Test
  void specialPiecesHaveAlbertIdsAndTypes() {
    UnigramTrainerOptions o = small(300, 2);
    SentencePieceModel m = SentencePieceModel.fromBytes(train(countWords(corpus(2000, 3), o), o));
    String[] expected = {
      "<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]", "(", ")", "\"", "-", ".", "\u2013", "\u00a3",
      "\u20ac"
    };
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], m.idToPiece(i), "id " + i);
    }
    assertEquals(PieceType.CONTROL, m.type(0));
    assertEquals(PieceType.UNKNOWN, m.type(1));
    for (int i = 2; i <= 4; i++) {
      assertEquals(PieceType.CONTROL, m.type(i));
    }
    for (int i = 5; i <= 12; i++) {
      assertEquals(PieceType.USER_DEFINED, m.type(i));
    }
    for (int i = 13; i < m.size(); i++) {
      assertEquals(PieceType.NORMAL, m.type(i));
    }
    assertEquals(0, m.padId());
    assertEquals(1, m.unkId());
    assertEquals(-1, m.bosId());
    assertEquals(-1, m.eosId());
    var spec = m.proto().trainerSpec();
    assertEquals(300, spec.vocabSize());
    assertEquals(0.99995f, spec.characterCoverage());
    assertEquals(List.of("[CLS]", "[SEP]", "[MASK]"), spec.controlSymbols());
    assertEquals("nmt_nfkc", m.proto().normalizerSpec().name());
    // the user-defined symbols are kept whole, and "-" is never inside a learned piece
    assertTrue(m.encodeAsPieces("well-known (yes).").containsAll(List.of("-", "(", ")", ".")));
  }

  @Test
  void learnedPiecesFollowSentencePieceRules() {
    UnigramTrainerOptions o = small(400, 2);
    ModelProto m = ModelProto.parse(train(countWords(corpus(3000, 11), o), o));
    float prev = Float.POSITIVE_INFINITY;
    for (ModelProto.Piece p : m.pieces()) {
      if (p.type() != PieceType.NORMAL) {
        continue;
      }
      String s = p.piece();
      assertTrue(s.codePointCount(0, s.length()) <= 16, s);
      assertFalse(s.indexOf('\u2581', 1) >= 0, "whitespace only as a prefix: " + s);
      assertFalse(
          s.chars().anyMatch(Character::isDigit) && s.chars().anyMatch(Character::isLetter),
          "digits and letters are different scripts: " + s);
      assertFalse(
          s.contains("-") || s.contains("."), "no piece contains a user-defined symbol: " + s);
      assertTrue(p.score() <= prev, "pieces are sorted by score");
      assertTrue(p.score() < 0, s);
      prev = p.score();
    }
  }

  @Test
  void clearErrorsForImpossibleSizesAndBadWords() {
    UnigramTrainerOptions tiny = UnigramTrainerOptions.builder().vocabSize(20).build();
    Map<String, Long> words = countWords(corpus(500, 5), tiny);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new UnigramTrainer(tiny, s -> {}).train(WordTable.of(words, tiny)));
    assertTrue(e.getMessage().contains("smaller than the required characters"), e.getMessage());

    UnigramTrainerOptions huge = small(50000, 2);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new UnigramTrainer(huge, s -> {})
                    .train(WordTable.of(Map.of("\u2581abc", 3L, "\u2581abd", 2L), huge)));
    assertTrue(e.getMessage().contains("vocabulary size too high"), e.getMessage());

    UnigramTrainerOptions o = small(100, 1);
    e = assertThrows(IllegalArgumentException.class, () -> WordTable.of(Map.of("a b", 1L), o));
    assertTrue(e.getMessage().contains("contains a space"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> WordTable.of(Map.of("\u2581a", 0L), o));
    assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> WordTable.of(Map.of(), o));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UnigramTrainerOptions.builder().characterCoverage(0.5f).build());
    assertTrue(e.getMessage().contains("character coverage"), e.getMessage());
  }

  @Test
  void splitsWordsAtSpecialSymbolsAndCountsThemAsBoundaries() {
    MetaSymbolSplitter s =
        new MetaSymbolSplitter(UnigramTrainerOptions.builder().build().trainingBoundarySymbols());
    assertEquals(List.of("\u2581well", "known"), s.split("\u2581well-known."));
    assertEquals(List.of("\u2581a", "b"), s.split("\u2581a[CLS]b"));
    Map<Integer, Long> chars = new HashMap<>();
    s.countChars("\u2581a-b.", 2, chars);
    assertEquals(4L, chars.get((int) '\t'));
    assertEquals(2L, chars.get((int) 'a'));
  }

  @Test
  void pieceValidityMatchesSentencePiece() {
    UnigramTrainerOptions o = UnigramTrainerOptions.builder().build();
    assertTrue(Pieces.isValid("\u2581hello".codePoints().toArray(), 0, 6, o));
    assertFalse(Pieces.isValid("a\u2581b".codePoints().toArray(), 0, 3, o));
    assertFalse(Pieces.isValid("ab1".codePoints().toArray(), 0, 3, o));
    assertTrue(Pieces.isValid("1,000".codePoints().toArray(), 0, 5, o));
    assertFalse(Pieces.isValid("\u0430b".codePoints().toArray(), 0, 2, o)); // Cyrillic + Latin
    assertTrue(
        Pieces.isValid("\u3042\u30a2\u6f22".codePoints().toArray(), 0, 3, o)); // kana + kanji = Han
    UnigramTrainerOptions digits = UnigramTrainerOptions.builder().splitDigits(true).build();
    assertFalse(Pieces.isValid("12".codePoints().toArray(), 0, 2, digits));
    assertTrue(Pieces.compareCodePoints("\uffff", "\ud83d\ude00") < 0);
  }

  @Test
  void digammaMatchesKnownValues() {
    assertEquals(-0.5772156649, UnigramTrainer.digamma(1.0), 1e-9);
    assertEquals(
        Math.log(100) - 1 / 200.0 - 1 / (12.0 * 100 * 100), UnigramTrainer.digamma(100), 1e-9);
  }
}
