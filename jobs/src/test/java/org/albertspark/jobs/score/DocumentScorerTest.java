package org.albertspark.jobs.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring engine against the plain model forward, on a tiny model. */
class DocumentScorerTest {

  @TempDir static Path tmp;
  static LoadedClassifier classifier;
  static List<String> texts;
  static List<String> shortTexts; // one window of 128 each

  @BeforeAll
  static void model() throws Exception {
    Path dir = TinyClassifiers.write(tmp.resolve("cls"), List.of("negative", "positive"), null, 7);
    classifier = LoadedClassifier.load(dir);
    texts = new ArrayList<>();
    for (String line :
        Files.readAllLines(TinyClassifiers.EXAMPLES.resolve("text/emma-paragraphs.txt"))) {
      if (!line.isBlank() && texts.size() < 40) {
        texts.add(line);
      }
    }
    shortTexts =
        texts.stream().filter(t -> classifier.tokenizer().tokenizeToIds(t).length <= 100).toList();
    assertTrue(shortTexts.size() >= 10, shortTexts.size() + " short texts");
  }

  private static List<DocumentScorer.Result> score(ScoringOptions o, List<?> values) {
    DocumentScorer s = new DocumentScorer(classifier, o, BatchPolicy.BUCKETED);
    List<DocumentScorer.Result> out = new ArrayList<>();
    s.score(values.iterator(), v -> v).forEachRemaining(r -> out.add(r.result()));
    return out;
  }

  private static ScoringOptions options(int maxSeq, int stride, Aggregation a, int budget) {
    return new ScoringOptions(maxSeq, stride, a, budget, 0.5, 0);
  }

  @Test
  void aPlanCountsTheWorkScoringDoes() {
    for (BatchPolicy p : BatchPolicy.values()) {
      ScoringOptions o = options(32, 6, Aggregation.MEAN, 96);
      DocumentScorer.Stats planned = new DocumentScorer(classifier, o, p).plan(texts.iterator());
      DocumentScorer scorer = new DocumentScorer(classifier, o, p);
      scorer.score(texts.iterator(), t -> t).forEachRemaining(r -> {});
      DocumentScorer.Stats scored = scorer.stats();
      assertEquals(scored.windows(), planned.windows(), p.toString());
      assertEquals(scored.tokens(), planned.tokens(), p.toString());
      assertEquals(scored.paddedTokens(), planned.paddedTokens(), p.toString());
      assertEquals(scored.attentionCells(), planned.attentionCells(), p.toString());
      assertEquals(scored.batches(), planned.batches(), p.toString());
      assertTrue(scorer.workspaceBytes() > 0 && planned.forwardNanos() == 0, p.toString());
    }
  }

  @Test
  void probabilitiesEqualThePlainForwardOfEachText() {
    List<String> texts = shortTexts;
    List<DocumentScorer.Result> results = score(options(0, 64, Aggregation.MEAN, 512), texts);
    AlbertTokenizer tok = classifier.tokenizer();
    for (int i = 0; i < texts.size(); i++) {
      int[] ids = TinyClassifiers.encode(tok, texts.get(i), 128);
      float[] logits = TinyClassifiers.plainLogits(classifier.model(), ids);
      double[] p = DocumentScorer.softmax(new double[] {logits[0], logits[1]});
      DocumentScorer.Result r = results.get(i);
      assertNull(r.error());
      assertEquals(1, r.windows(), texts.get(i));
      assertEquals(p[0], r.probabilities().get("negative"), 1e-5, texts.get(i));
      assertEquals(p[1], r.probabilities().get("positive"), 1e-5, texts.get(i));
      assertEquals(p[0] > p[1] ? "negative" : "positive", r.prediction());
      assertEquals(Math.max(p[0], p[1]), r.confidence(), 1e-5);
    }
  }

  @Test
  void aDocumentTenTimesTheWindowIsScoredInWindowsAndAggregated() {
    StringBuilder sb = new StringBuilder();
    for (String t : texts) {
      sb.append(t).append(' ');
    }
    String doc = sb.toString();
    AlbertTokenizer tok = classifier.tokenizer();
    int[] all = tok.tokenizeToIds(doc);
    int maxSeq = 32, stride = 6, content = maxSeq - 2, step = content - stride;
    assertTrue(all.length >= 10 * maxSeq, "document of " + all.length + " tokens");
    int expectedWindows = TokenWindows.count(all.length, maxSeq, stride);

    // the windows by hand: [CLS] all[s, s+30) [SEP] for s = 0, 24, 48, ...
    List<float[]> perWindow = new ArrayList<>();
    for (int s = 0; ; s += step) {
      int end = Math.min(all.length, s + content);
      int[] ids = new int[end - s + 2];
      ids[0] = tok.clsId();
      System.arraycopy(all, s, ids, 1, end - s);
      ids[ids.length - 1] = tok.sepId();
      perWindow.add(TinyClassifiers.plainLogits(classifier.model(), ids));
      if (end == all.length) {
        break;
      }
    }
    assertEquals(expectedWindows, perWindow.size());
    for (Aggregation a : Aggregation.values()) {
      double[] want = new double[2];
      for (int j = 0; j < 2; j++) {
        final int c = j;
        var values = perWindow.stream().mapToDouble(l -> l[c]);
        want[j] =
            switch (a) {
              case MEAN -> values.average().orElseThrow();
              case MAX -> values.max().orElseThrow();
              case FIRST -> perWindow.get(0)[c];
            };
      }
      double[] p = DocumentScorer.softmax(want);
      // small budget: the document's windows go through several pools and batches
      DocumentScorer.Result r = score(options(maxSeq, stride, a, 96), List.of(doc, "short")).get(0);
      assertEquals(expectedWindows, r.windows());
      assertEquals(false, r.truncated());
      assertEquals(p[1], r.probabilities().get("positive"), 1e-5, a.toString());
    }

    // --max-windows 3: the first three windows' mean, and the row says it was cut
    ScoringOptions capped = new ScoringOptions(maxSeq, stride, Aggregation.MEAN, 96, 0.5, 3);
    List<DocumentScorer.Result> rs = score(capped, Arrays.asList(doc, "short", null));
    double[] mean = new double[2];
    for (int j = 0; j < 2; j++) {
      mean[j] = (perWindow.get(0)[j] + perWindow.get(1)[j] + perWindow.get(2)[j]) / 3.0;
    }
    assertEquals(3, rs.get(0).windows());
    assertEquals(true, rs.get(0).truncated());
    assertEquals(DocumentScorer.softmax(mean)[1], rs.get(0).probabilities().get("positive"), 1e-5);
    assertEquals(false, rs.get(1).truncated(), "one window: nothing cut");
    assertNull(rs.get(2).truncated(), "not scored");
    assertNotNull(rs.get(2).error());
  }

  @Test
  void chunkedTokenizationGivesTheTokensOfTheWholeText() throws Exception {
    String book = Files.readString(TinyClassifiers.EXAMPLES.resolve("text/emma-paragraphs.txt"));
    String text =
        book.length() > 5 * TokenWindows.CHUNK_CHARS
            ? book.substring(0, 5 * TokenWindows.CHUNK_CHARS)
            : book;
    assertTrue(text.length() > 2 * TokenWindows.CHUNK_CHARS, "text of " + text.length());
    AlbertTokenizer tok = classifier.tokenizer();
    int[] whole = tok.tokenizeToIds(text);
    TokenWindows w = new TokenWindows(tok, text, 130, 0);
    int[] joined = new int[0];
    while (w.hasNext()) {
      int[] ids = w.next();
      int old = joined.length;
      joined = Arrays.copyOf(joined, old + ids.length - 2);
      System.arraycopy(ids, 1, joined, old, ids.length - 2);
    }
    assertArrayEquals(whole, joined);
    assertEquals(TokenWindows.count(whole.length, 130, 0), w.emitted());
  }

  @Test
  void everyMalformedValueGetsOneResultWithAReason() {
    List<Object> values =
        Arrays.asList(
            null,
            "",
            " \t\n ",
            "bad \uFFFD bytes",
            "lone \uD800 surrogate",
            new byte[] {'o', 'k', (byte) 0xC3},
            "Emma was handsome.".getBytes(StandardCharsets.UTF_8),
            42,
            "\u0001\u0002",
            "Emma was clever.");
    List<DocumentScorer.Result> r = score(options(0, 64, Aggregation.MEAN, 512), values);
    assertEquals(values.size(), r.size());
    List<String> reasons =
        r.stream().map(x -> x.error() == null ? null : DocumentText.reasonOf(x.error())).toList();
    assertEquals(
        Arrays.asList(
            DocumentText.NULL,
            DocumentText.EMPTY,
            DocumentText.BLANK,
            DocumentText.UNDECODABLE,
            DocumentText.UNDECODABLE,
            DocumentText.UNDECODABLE,
            null,
            DocumentText.UNDECODABLE,
            r.get(8).error() == null ? null : DocumentText.NO_TOKENS,
            null),
        reasons);
    for (DocumentScorer.Result x : r) {
      if (x.error() != null) {
        assertNull(x.prediction());
        assertNull(x.probabilities());
        assertEquals(0, x.windows());
      } else {
        assertNotNull(x.prediction());
      }
    }
  }

  @Test
  void multiLabelModelsUseSigmoidAndTheThreshold() throws Exception {
    Path dir =
        TinyClassifiers.write(
            tmp.resolve("multi"), List.of("a", "b", "c"), LoadedClassifier.MULTI_LABEL, 11);
    LoadedClassifier multi = LoadedClassifier.load(dir);
    assertTrue(multi.multiLabel());
    String text = shortTexts.get(0);
    float[] logits =
        TinyClassifiers.plainLogits(
            multi.model(), TinyClassifiers.encode(multi.tokenizer(), text, 128));
    double[] p = DocumentScorer.sigmoid(new double[] {logits[0], logits[1], logits[2]});
    double threshold = (p[0] + p[1] + p[2]) / 3;
    DocumentScorer s =
        new DocumentScorer(
            multi,
            new ScoringOptions(0, 64, Aggregation.MEAN, 512, threshold, 0),
            BatchPolicy.BUCKETED);
    DocumentScorer.Result r = s.score(List.of((Object) text).iterator(), v -> v).next().result();
    List<String> want = new ArrayList<>();
    for (int j = 0; j < 3; j++) {
      assertEquals(p[j], r.probabilities().get(List.of("a", "b", "c").get(j)), 1e-5);
      if (p[j] >= threshold) {
        want.add(List.of("a", "b", "c").get(j));
      }
    }
    assertEquals(String.join(",", want), r.prediction());
  }

  @Test
  void theBatchPoliciesGiveTheSameScores() {
    ScoringOptions o = options(64, 16, Aggregation.MEAN, 256);
    List<Double> want = null;
    for (BatchPolicy policy : BatchPolicy.values()) {
      DocumentScorer s = new DocumentScorer(classifier, o, policy);
      List<Double> got = new ArrayList<>();
      s.score(texts.iterator(), v -> v)
          .forEachRemaining(x -> got.add(x.result().probabilities().get("positive")));
      if (want == null) {
        want = got;
      } else {
        for (int i = 0; i < got.size(); i++) {
          assertEquals(want.get(i), got.get(i), 1e-5, policy + " text " + i);
        }
      }
      if (policy == BatchPolicy.BUCKETED) {
        DocumentScorer.Stats st = s.stats();
        assertTrue(st.paddedTokens() < st.tokens() * 1.5, st.toString());
      }
    }
  }

  @Test
  void aTextPairIsScoredFromFineTuningsEncodingThenWindowsOverItsSecondText() {
    AlbertTokenizer tok = classifier.tokenizer();
    int maxSeq = 40;
    int stride = 6;
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < shortTexts.size() && pairs.size() < 6; i += 2) {
      pairs.add(new String[] {shortTexts.get(i), shortTexts.get(i + 1)});
    }
    String longest = texts.stream().max((x, y) -> x.length() - y.length()).orElseThrow();
    pairs.add(new String[] {"Emma was clever.", longest}); // many windows, first text whole
    pairs.add(new String[] {longest, "She was handsome."}); // first text cut, one window
    pairs.add(new String[] {"Emma was clever.", "She was handsome."}); // fits: one window
    DocumentScorer s =
        new DocumentScorer(
            classifier, options(maxSeq, stride, Aggregation.MEAN, 256), BatchPolicy.BUCKETED);
    List<DocumentScorer.Result> results = new ArrayList<>();
    s.score(pairs.iterator(), p -> p[0], p -> p[1]).forEachRemaining(r -> results.add(r.result()));
    DocumentScorer first =
        new DocumentScorer(
            classifier, options(maxSeq, stride, Aggregation.FIRST, 256), BatchPolicy.BUCKETED);
    List<DocumentScorer.Result> firsts = new ArrayList<>();
    first
        .score(pairs.iterator(), p -> p[0], p -> p[1])
        .forEachRemaining(r -> firsts.add(r.result()));
    int maxWindows = 0;
    for (int i = 0; i < pairs.size(); i++) {
      String a = pairs.get(i)[0], b = pairs.get(i)[1];
      // the first window is fine-tuning's encoding (ExampleEncoder): [CLS] a [SEP] b [SEP], types
      // 0 then 1, cut longest-first to max-seq-length
      var e = tok.encode(a, b, maxSeq, false);
      float[] logits =
          TinyClassifiers.plainLogits(classifier.model(), e.inputIds(), e.tokenTypeIds());
      float[] untyped = TinyClassifiers.plainLogits(classifier.model(), e.inputIds(), null);
      assertTrue(Math.abs(logits[1] - untyped[1]) > 1e-6, "token types change the logits");
      double[] p = DocumentScorer.softmax(new double[] {logits[0], logits[1]});
      assertEquals(p[1], firsts.get(i).probabilities().get("positive"), 1e-5, a + " | " + b);
      // the windows that follow: the same head, the second text on from where the last stopped
      List<TinyClassifiers.PairWindow> ws = TinyClassifiers.pairWindows(tok, a, b, maxSeq, stride);
      assertArrayEquals(e.inputIds(), ws.get(0).ids());
      double[] sum = new double[2];
      for (TinyClassifiers.PairWindow w : ws) {
        float[] z = TinyClassifiers.plainLogits(classifier.model(), w.ids(), w.types());
        sum[0] += z[0];
        sum[1] += z[1];
      }
      int windows = ws.size();
      double[] mean = DocumentScorer.softmax(new double[] {sum[0] / windows, sum[1] / windows});
      DocumentScorer.Result r = results.get(i);
      assertNull(r.error());
      assertEquals(windows, r.windows(), a + " | " + b);
      assertEquals(mean[1], r.probabilities().get("positive"), 1e-5, a + " | " + b);
      assertEquals(
          TinyClassifiers.firstTextCut(tok, a, b, maxSeq),
          r.truncated(),
          "truncated iff the first text is cut");
      maxWindows = Math.max(maxWindows, windows);
    }
    int n = pairs.size();
    assertTrue(maxWindows >= 5 && results.get(n - 3).windows() == maxWindows, "long second text");
    assertTrue(results.get(n - 2).truncated() && results.get(n - 2).windows() == 1, "long first");
    assertTrue(!results.get(n - 1).truncated() && results.get(n - 1).windows() == 1, "fits");

    // a missing or unusable second text is an error row, like a first text's
    List<String[]> bad =
        Arrays.asList(
            new String[] {"Emma was clever.", null},
            new String[] {"Emma was clever.", "  "},
            new String[] {null, "She was handsome."},
            new String[] {"Emma was clever.", "bad \uFFFD bytes"},
            new String[] {"Emma was clever.", "fine"});
    List<DocumentScorer.Result> rs = new ArrayList<>();
    s.score(bad.iterator(), p -> p[0], p -> p[1]).forEachRemaining(r -> rs.add(r.result()));
    assertEquals(DocumentText.PAIR + ": " + DocumentText.NULL, rs.get(0).error());
    assertEquals(DocumentText.PAIR + ": " + DocumentText.BLANK, rs.get(1).error());
    assertEquals(DocumentText.NULL, rs.get(2).error());
    assertEquals(
        DocumentText.PAIR + ": " + DocumentText.UNDECODABLE,
        rs.get(3).error().substring(0, rs.get(3).error().lastIndexOf(':')));
    assertNull(rs.get(4).error());
    for (int i = 0; i < 4; i++) {
      assertNull(rs.get(i).prediction());
      assertNull(rs.get(i).truncated());
      assertEquals(0, rs.get(i).windows());
    }
  }
}
