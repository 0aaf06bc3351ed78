package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HF AlbertTokenizer (slow) behaviour: every case of the fixtures, no exceptions. */
class AlbertTokenizerFixtureTest {

  @Test
  void preprocessingMatchesHeldoutPreprocessed() throws Exception {
    AlbertTokenizer tok = new AlbertTokenizer(Fixtures.model("albert-30k"));
    List<String> raw = Fixtures.heldoutTexts();
    List<String> expected = Fixtures.lines("heldout_preprocessed.txt");
    assertEquals(raw.size(), expected.size());
    for (int i = 0; i < raw.size(); i++) {
      assertEquals(expected.get(i), tok.preprocess(raw.get(i)), "line " + i + ": " + raw.get(i));
    }
  }

  @ParameterizedTest(name = "{0}.albert_tokenizer.jsonl")
  @ValueSource(strings = {"albert-30k", "unigram-2000"})
  void everyAlbertTokenizerCase(String model) throws Exception {
    AlbertTokenizer tok = new AlbertTokenizer(Fixtures.model(model));
    List<JsonNode> cases = Fixtures.jsonl(model + ".albert_tokenizer.jsonl");
    assertEquals(1000, cases.size());
    List<String> failures = new ArrayList<>();
    for (JsonNode c : cases) {
      String text = c.get("text").asText();
      String pre = tok.preprocess(text);
      List<String> tokens = tok.tokenize(text);
      int[] ids = tok.tokenizeToIds(text);
      int[] inputIds = tok.encode(text, null, 0, false).inputIds();
      if (!pre.equals(c.get("preprocessed").asText())
          || !tokens.equals(Fixtures.strings(c.get("tokens")))
          || !java.util.Arrays.equals(ids, Fixtures.ints(c.get("ids")))
          || !java.util.Arrays.equals(inputIds, Fixtures.ints(c.get("input_ids")))) {
        failures.add(
            "case "
                + c.get("i")
                + ": "
                + text
                + "\n  expected "
                + c.get("tokens")
                + "\n  got      "
                + tokens);
      }
    }
    assertTrue(
        failures.isEmpty(),
        failures.size()
            + " failures:\n"
            + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
  }

  @ParameterizedTest(name = "{0}.pairs.jsonl")
  @ValueSource(strings = {"albert-30k", "unigram-2000"})
  void everyPairCase(String model) throws Exception {
    AlbertTokenizer tok = new AlbertTokenizer(Fixtures.model(model));
    List<JsonNode> cases = Fixtures.jsonl(model + ".pairs.jsonl");
    assertTrue(cases.size() > 0);
    for (JsonNode c : cases) {
      EncodedInput e = tok.encode(c.get("text_a").asText(), c.get("text_b").asText(), 0, false);
      String what = c.get("text_a") + " / " + c.get("text_b");
      assertArrayEquals(Fixtures.ints(c.get("input_ids")), e.inputIds(), what);
      assertArrayEquals(Fixtures.ints(c.get("token_type_ids")), e.tokenTypeIds(), what);
      int[] ones = new int[e.length()];
      java.util.Arrays.fill(ones, 1);
      assertArrayEquals(ones, e.attentionMask(), what);
    }
  }

  /** hf_tokenizer_test_data.json: HF's own ALBERT tests; its model is the same 30k vocabulary. */
  @Test
  void huggingFaceTokenizerTests() throws Exception {
    JsonNode d = Fixtures.json("hf_tokenizer_test_data.json");
    SentencePieceModel m = Fixtures.model("albert-30k");
    assertEquals(d.get("vocab").get("size").asInt(), m.size());
    assertEquals(d.get("vocab").get("first").get(0).asText(), m.idToPiece(0));
    assertEquals(d.get("vocab").get("first").get(1).asText(), m.idToPiece(1));
    assertEquals(d.get("vocab").get("last").asText(), m.idToPiece(m.size() - 1));
    d.get("convert_token_and_id")
        .fields()
        .forEachRemaining(
            e -> {
              assertEquals(e.getValue().asInt(), m.pieceToId(e.getKey()));
              assertEquals(e.getKey(), m.idToPiece(e.getValue().asInt()));
            });

    // HF's test tokenizer is built with keep_accents=True.
    AlbertTokenizer keep = new AlbertTokenizer(m, true, true);
    int n = 0;
    for (JsonNode c : d.get("full_tokenizer_keep_accents_true")) {
      String text = c.get("text").asText();
      assertEquals(Fixtures.strings(c.get("tokens")), keep.tokenize(text), text);
      int[] ids = keep.tokenizeToIds(text);
      assertArrayEquals(Fixtures.ints(c.get("ids")), ids, text);
      if (c.has("back_tokens")) {
        List<String> back = new ArrayList<>();
        for (int id : ids) back.add(m.idToPiece(id));
        assertEquals(Fixtures.strings(c.get("back_tokens")), back, text);
      }
      n++;
    }
    assertEquals(2, n);

    // Integration: albert-base-v2, batch padded to the longest sequence.
    AlbertTokenizer tok = new AlbertTokenizer(m);
    JsonNode integ = d.get("integration");
    JsonNode exp = integ.get("expected_encoding");
    JsonNode seqs = integ.get("sequences_lowercased");
    int longest = 0;
    List<EncodedInput> enc = new ArrayList<>();
    for (JsonNode s : seqs) {
      EncodedInput e = tok.encode(s.asText(), null, 0, false);
      enc.add(e);
      longest = Math.max(longest, e.length());
    }
    for (int i = 0; i < seqs.size(); i++) {
      EncodedInput e = tok.encode(seqs.get(i).asText(), null, longest, true);
      assertArrayEquals(Fixtures.ints(exp.get("input_ids").get(i)), e.inputIds(), "input_ids " + i);
      assertArrayEquals(
          Fixtures.ints(exp.get("token_type_ids").get(i)), e.tokenTypeIds(), "token_type_ids " + i);
      assertArrayEquals(
          Fixtures.ints(exp.get("attention_mask").get(i)),
          e.attentionMask(),
          "attention_mask " + i);
    }
  }
}
