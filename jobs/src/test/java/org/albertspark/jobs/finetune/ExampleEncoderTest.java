package org.albertspark.jobs.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.albertspark.jobs.classify.LabelSet;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.classify.TestSpark;
import org.albertspark.jobs.score.TinyClassifiers;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.EncodedInput;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training examples from labelled rows: one window (truncation) or several per long text. */
class ExampleEncoderTest {

  static final int MAX = 32;
  static final int STRIDE = 8;

  static SparkSession spark;
  static JavaSparkContext sc;
  static byte[] spm;
  static AlbertTokenizer tok;
  static List<String[]> rows; // text, pair (or null), label
  static LabelSet labels;

  @BeforeAll
  static void setUp() throws Exception {
    spark = TestSpark.start();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    spm = Files.readAllBytes(TinyClassifiers.EXAMPLES.resolve("tiny-albert/spiece.model"));
    tok = new AlbertTokenizer(SentencePieceModel.fromBytes(spm));
    rows = new ArrayList<>();
    List<String> lines =
        Files.readAllLines(TinyClassifiers.EXAMPLES.resolve("text/emma-paragraphs.txt"));
    for (String line : lines) {
      if (!line.isBlank() && rows.size() < 12) {
        rows.add(new String[] {line, null, rows.size() % 2 == 0 ? "a" : "b"});
      }
    }
    rows.add(new String[] {"Emma was clever.", null, "a"}); // one window
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  private static LabelledData data(List<String[]> rs, boolean pairs) {
    List<Row> out = new ArrayList<>();
    for (String[] r : rs) {
      out.add(RowFactory.create(r[0], r[1], r[2]));
    }
    StructType schema =
        new StructType()
            .add("text", DataTypes.StringType)
            .add("second", DataTypes.StringType)
            .add("label", DataTypes.StringType);
    LabelledData d =
        LabelledData.of(
            spark.createDataFrame(out, schema),
            "test rows",
            new LabelledData.Columns("text", pairs ? "second" : null, "label"));
    labels = d.labelSet();
    return d;
  }

  @Test
  void oneWindowPerRowIsTheTextTruncated() {
    LabelledData d = data(rows, false);
    ExampleEncoder.Encoded e = ExampleEncoder.encode(sc, spm, d, labels, MAX, STRIDE, 1);
    assertEquals(rows.size(), e.examples().size());
    assertEquals(rows.size(), e.rows());
    List<Row> ordered = d.rows().collectAsList();
    long longer = 0;
    for (int i = 0; i < ordered.size(); i++) {
      EncodedInput want = tok.encode(ordered.get(i).getString(0), null, MAX, false);
      assertArrayEquals(want.inputIds(), e.examples().get(i).inputIds());
      assertArrayEquals(want.tokenTypeIds(), e.examples().get(i).tokenTypeIds());
      assertEquals(
          labels.ids().get(ordered.get(i).getString(2)), e.examples().get(i).label(), "label");
      longer += tok.tokenizeToIds(ordered.get(i).getString(0)).length > MAX - 2 ? 1 : 0;
    }
    assertTrue(longer > 0 && longer < rows.size(), "long and short rows");
    assertEquals(longer, e.multiWindow());
    assertEquals(longer, e.cut(), "every longer row was cut after its first window");
  }

  @Test
  void everyWindowOfALongTextIsAnExampleWithItsLabel() {
    LabelledData d = data(rows, false);
    ExampleEncoder.Encoded all = ExampleEncoder.encode(sc, spm, d, labels, MAX, STRIDE, 0);
    ExampleEncoder.Encoded two = ExampleEncoder.encode(sc, spm, d, labels, MAX, STRIDE, 2);
    List<Row> ordered = d.rows().collectAsList();
    int at = 0, atTwo = 0;
    long cutAtTwo = 0;
    for (Row r : ordered) {
      int[] t = tok.tokenizeToIds(r.getString(0));
      int label = labels.ids().get(r.getString(2));
      // the windows scoring takes: [CLS] t[s, s+30) [SEP], s = 0, 22, 44, ... until the end
      List<int[]> want = new ArrayList<>();
      for (int s = 0; ; s += MAX - 2 - STRIDE) {
        int end = Math.min(s + MAX - 2, t.length);
        int[] w = new int[end - s + 2];
        w[0] = tok.clsId();
        System.arraycopy(t, s, w, 1, end - s);
        w[w.length - 1] = tok.sepId();
        want.add(w);
        if (end == t.length) {
          break;
        }
      }
      for (int k = 0; k < want.size(); k++) {
        EncodedExample x = all.examples().get(at++);
        assertArrayEquals(want.get(k), x.inputIds(), "window " + k);
        assertArrayEquals(new int[x.length()], x.tokenTypeIds());
        assertEquals(label, x.label());
        if (k < 2) {
          assertArrayEquals(want.get(k), two.examples().get(atTwo++).inputIds(), "capped " + k);
        }
      }
      cutAtTwo += want.size() > 2 ? 1 : 0;
    }
    assertEquals(at, all.examples().size());
    assertEquals(atTwo, two.examples().size());
    assertEquals(0, all.cut());
    assertTrue(cutAtTwo > 0, "some rows have more than two windows");
    assertEquals(cutAtTwo, two.cut());
    assertEquals(all.multiWindow(), two.multiWindow());
  }

  @Test
  void aPairGivesFineTuningsEncodingThenWindowsOverItsSecondText() {
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < rows.size(); i += 2) {
      pairs.add(new String[] {"Emma was clever.", rows.get(i)[0], rows.get(i + 1)[2]});
    }
    pairs.add(new String[] {"Emma was clever.", "She was handsome.", "a"});
    LabelledData d = data(pairs, true);
    ExampleEncoder.Encoded e = ExampleEncoder.encode(sc, spm, d, labels, MAX, STRIDE, 0);
    int at = 0;
    for (Row r : d.rows().collectAsList()) {
      List<TinyClassifiers.PairWindow> want =
          TinyClassifiers.pairWindows(tok, r.getString(0), r.getString(1), MAX, STRIDE);
      assertArrayEquals(
          tok.encode(r.getString(0), r.getString(1), MAX, false).inputIds(), want.get(0).ids());
      for (TinyClassifiers.PairWindow w : want) {
        EncodedExample x = e.examples().get(at++);
        assertArrayEquals(w.ids(), x.inputIds());
        assertArrayEquals(w.types(), x.tokenTypeIds());
      }
    }
    assertEquals(at, e.examples().size());
    assertTrue(e.multiWindow() > 0);
  }

  @Test
  void aNegativeWindowCountIsRefused() {
    LabelledData d = data(rows, false);
    assertThrows(
        IllegalArgumentException.class,
        () -> ExampleEncoder.encode(sc, spm, d, labels, MAX, STRIDE, -1));
  }
}
