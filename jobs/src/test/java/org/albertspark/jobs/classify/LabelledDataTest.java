package org.albertspark.jobs.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.albertspark.jobs.io.TableFormat;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading labelled tables: columns checked, unusable rows counted, labels, the seeded split. */
class LabelledDataTest {

  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.start();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String write(String name, String content) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, content);
    return p.toString();
  }

  static final LabelledData.Columns COLS = new LabelledData.Columns("text", null, "label");

  @Test
  void missingAndBlankValuesAreCountedNotDropped() throws Exception {
    String path =
        write(
            "a.tsv",
            "text\tlabel\n"
                + "good \"film\"\tpos\n" // a quote inside TSV is text
                + "bad film\tneg\n"
                + "   \tpos\n" // blank text
                + "no label\t\n" // blank label
                + "fine\tpos\n");
    LabelledData d = LabelledData.read(spark, path, TableFormat.TSV, COLS);
    var r = d.report();
    assertEquals(5, r.rows());
    assertEquals(3, r.usable());
    assertEquals(1, r.missingText());
    assertEquals(1, r.missingLabel());
    assertEquals(Map.of("neg", 1L, "pos", 2L), r.labelCounts());
    assertTrue(r.summary().contains("2 skipped"), r.summary());
    assertEquals(List.of("neg", "pos"), d.labelSet().names());
    assertEquals(3, d.rows().count());
    Set<String> texts = new HashSet<>();
    d.rows().collectAsList().forEach(row -> texts.add(row.getString(0)));
    assertTrue(texts.contains("good \"film\""), texts.toString());
  }

  @Test
  void integerLabelsFromJsonKeepTheirNumbersAsIds() throws Exception {
    String path =
        write(
            "b.jsonl",
            "{\"body\": \"one\", \"y\": 2}\n{\"body\": \"two\", \"y\": 0}\n{\"body\": \"three\", \"y\": 1}\n"
                + "{\"body\": \"four\", \"y\": 10}\n{\"body\": null, \"y\": 1}\n");
    LabelledData d =
        LabelledData.read(
            spark, path, TableFormat.JSONL, new LabelledData.Columns("body", null, "y"));
    assertEquals(List.of("0", "1", "2", "10"), d.labelSet().names());
    assertEquals(1, d.report().missingText());
    List<Row> ids = d.withLabelIds(d.labelSet(), "id").select("id").collectAsList();
    assertEquals(4, ids.size());
  }

  @Test
  void unknownColumnSingleClassAndUnknownLabelsAreClearErrors() throws Exception {
    String path = write("c.csv", "text,label\nx,a\ny,a\n");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LabelledData.read(
                    spark, path, TableFormat.CSV, new LabelledData.Columns("body", null, "label")));
    assertTrue(e.getMessage().contains("no column body"), e.getMessage());
    assertTrue(e.getMessage().contains("text, label"), e.getMessage());
    LabelledData one = LabelledData.read(spark, path, TableFormat.CSV, COLS);
    e = assertThrows(IllegalArgumentException.class, one::labelSet);
    assertTrue(e.getMessage().contains("at least two classes"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> one.requireLabelsIn(new LabelSet(List.of("b", "c"))));
    assertTrue(e.getMessage().contains("{a=2}"), e.getMessage());
    String empty = write("d.csv", "text,label\n,\n");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LabelledData.read(spark, empty, TableFormat.CSV, COLS));
    assertTrue(e.getMessage().contains("no usable row"), e.getMessage());
  }

  @Test
  void theSplitIsSeededDisjointAndIndependentOfPartitioning() throws Exception {
    StringBuilder sb = new StringBuilder("text\tlabel\n");
    for (int i = 0; i < 400; i++) {
      sb.append("document ").append(i).append('\t').append(i % 3).append('\n');
    }
    String path = write("e.tsv", sb.toString());
    LabelledData d = LabelledData.read(spark, path, TableFormat.TSV, COLS);
    List<LabelledData> a = d.split(0.25, 7);
    LabelledData repartitioned =
        LabelledData.of(TableFormat.TSV.read(spark, path).repartition(5), path, COLS);
    List<LabelledData> b = repartitioned.split(0.25, 7);
    Set<String> heldA = texts(a.get(1)), heldB = texts(b.get(1)), kept = texts(a.get(0));
    assertEquals(heldA, heldB);
    assertEquals(400, heldA.size() + kept.size());
    kept.retainAll(heldA);
    assertTrue(kept.isEmpty());
    assertTrue(heldA.size() > 60 && heldA.size() < 140, "held out " + heldA.size());
    assertTrue(!heldA.equals(texts(d.split(0.25, 8).get(1))), "another seed, other rows");
  }

  static Set<String> texts(LabelledData d) {
    Set<String> s = new HashSet<>();
    d.rows().collectAsList().forEach(r -> s.add(r.getString(0)));
    return s;
  }
}
