package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.albertspark.jobs.score.TinyClassifiers;
import org.albertspark.model.io.SafeTensorsFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code albert score} end to end: formats, malformed rows, summary, incremental runs. */
class ScoreCommandTest {

  /**
   * The rows in file order (part-00000 first): Spark's reader packs files by size, so reading the
   * directory at once would not show the order the job wrote.
   */
  private static List<Row> read(Path parquet) throws java.io.IOException {
    SparkSession s = SparkSession.builder().master("local[1]").getOrCreate();
    List<Row> rows = new java.util.ArrayList<>();
    try (var files = Files.list(parquet)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        rows.addAll(s.read().parquet(f.toString()).collectAsList());
      }
    }
    return rows;
  }

  @Test
  void jsonlWithBadRowsThenAnIncrementalRun(@TempDir Path tmp) throws Exception {
    Path model =
        TinyClassifiers.write(tmp.resolve("reviews"), List.of("negative", "positive"), null, 5);
    Path in = tmp.resolve("docs.jsonl");
    Files.writeString(
        in,
        String.join(
                "\n",
                "{\"id\": \"a\", \"text\": \"Emma was handsome, clever, and rich.\", \"src\": \"x\"}",
                "{\"id\": \"b\", \"text\": null, \"src\": \"y\"}",
                "{\"id\": \"c\", \"text\": \"   \", \"src\": \"z\"}",
                "not json at all",
                "{\"id\": \"a\", \"text\": \"A duplicate id, another text.\", \"src\": \"w\"}",
                "{\"id\": \"e\", \"text\": \""
                    + "She had lived nearly twenty-one years. ".repeat(60)
                    + "\"}")
            + "\n",
        StandardCharsets.UTF_8);
    Path out = tmp.resolve("scored");
    CliRun r =
        run(
            "score",
            "--model",
            model.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--keep-cols",
            "src",
            "--stride",
            "16",
            "--master",
            "local[2]");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("rows in 6, out 6"), r.out());
    List<Row> rows = read(out);
    assertEquals(6, rows.size());
    assertEquals(
        List.of(
            "id",
            "src",
            "prediction",
            "confidence",
            "probabilities",
            "windows",
            "error",
            "model",
            "truncated",
            "text_sha256"),
        List.of(rows.get(0).schema().fieldNames()));
    assertEquals("a", rows.get(0).getString(0));
    assertEquals("x", rows.get(0).getString(1));
    assertTrue(rows.get(5).getInt(5) > 1, "long text in windows");
    int truncated = rows.get(0).fieldIndex("truncated");
    assertEquals(false, rows.get(5).get(truncated), "no --max-windows: nothing cut");
    assertNull(rows.get(1).get(truncated), "not scored: no truncated value");
    assertNull(rows.get(3).get(0), "the line that is not JSON keeps its row");
    JsonNode summary = new ObjectMapper().readTree(out.resolve("_SUMMARY.json").toFile());
    assertEquals(6, summary.path("rows_in").asLong());
    assertEquals(6, summary.path("rows_out").asLong());
    assertEquals(3, summary.path("scored").asLong());
    assertEquals(3, summary.path("errors").asLong());
    assertEquals(
        3,
        summary.path("errors_by_reason").path("null text").asLong()
            + summary.path("errors_by_reason").path("blank text").asLong());
    assertEquals(2, summary.path("rows_with_duplicate_ids").asLong());
    // the scoring JVM's own memory: resident set above its off-heap part, both measured
    long rss = summary.path("worker_peak_rss_bytes").asLong();
    long offHeap = summary.path("worker_peak_offheap_bytes").asLong();
    assertTrue(offHeap > 0 && rss > offHeap, summary.toString());

    // a night later: one text changed, two rows added; the unchanged scored rows are carried over,
    // and the new long document is cut at --max-windows 1, visibly
    String changed =
        Files.readString(in).replace("A duplicate id, another text.", "A changed text.")
            + "{\"id\": \"f\", \"text\": \"A new document.\"}\n"
            + "{\"id\": \"g\", \"text\": \""
            + "She had lived nearly twenty-one years. ".repeat(60)
            + "\"}\n";
    Path in2 = tmp.resolve("docs2.jsonl");
    Files.writeString(in2, changed);
    Path out2 = tmp.resolve("scored2");
    CliRun r2 =
        run(
            "score",
            "--model",
            model.toString(),
            "--input",
            in2.toString(),
            "--output",
            out2.toString(),
            "--previous",
            out.toString(),
            "--stride",
            "16",
            "--max-windows",
            "1",
            "--master",
            "local[2]");
    assertEquals(0, r2.exit(), r2.err());
    JsonNode s2 = new ObjectMapper().readTree(out2.resolve("_SUMMARY.json").toFile());
    assertEquals(8, s2.path("rows_out").asLong());
    assertEquals(2, s2.path("skipped").asLong(), s2.toString()); // rows a and e
    assertEquals(1, s2.path("truncated").asLong(), s2.toString()); // row g
    assertTrue(r2.out().contains("truncated at --max-windows 1"), r2.out());
    List<Row> rows2 = read(out2);
    assertEquals("a", rows2.get(0).getString(0), "input order kept");
    assertEquals("f", rows2.get(6).getString(0));
    Row g = rows2.get(7);
    assertEquals("g", g.getString(0));
    assertEquals(1, g.getInt(g.fieldIndex("windows")));
    assertEquals(true, g.get(g.fieldIndex("truncated")));
    assertNotNull(g.get(g.fieldIndex("prediction")));
    Row e = rows2.get(5);
    assertTrue(e.getInt(e.fieldIndex("windows")) > 1, "carried forward whole");
    assertEquals(false, e.get(e.fieldIndex("truncated")));
    assertEquals(
        rows.get(0).getDouble(rows.get(0).fieldIndex("confidence")),
        rows2.get(0).getDouble(rows2.get(0).fieldIndex("confidence")));
  }

  @Test
  void textInputIsIdentifiedByLineAndMatchesAlbertForward(@TempDir Path tmp) throws Exception {
    Path model = TinyClassifiers.write(tmp.resolve("m"), List.of("negative", "positive"), null, 9);
    Path in = tmp.resolve("lines.txt");
    List<String> lines =
        List.of("Emma was handsome.", "", "A longer second sentence, clever and rich.");
    Files.write(in, lines);
    Path out = tmp.resolve("out");
    CliRun r =
        run(
            "score",
            "--model",
            model.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--quiet",
            "--partitions",
            "3");
    assertEquals(0, r.exit(), r.err());
    List<Row> rows = read(out);
    assertEquals(List.of(1L, 2L, 3L), rows.stream().map(x -> x.getLong(0)).toList());
    assertEquals("empty text", rows.get(1).getString(rows.get(1).fieldIndex("error")));

    Path fwd = tmp.resolve("fwd.safetensors");
    CliRun f =
        run(
            "forward",
            "--model",
            model.toString(),
            "--text",
            lines.get(0),
            lines.get(2),
            "--output",
            fwd.toString());
    assertEquals(0, f.exit(), f.err());
    try (SafeTensorsFile st = SafeTensorsFile.open(fwd)) {
      float[] logits = st.floats("logits");
      for (int d = 0; d < 2; d++) {
        Row row = rows.get(d == 0 ? 0 : 2);
        double e0 = Math.exp(logits[2 * d]), e1 = Math.exp(logits[2 * d + 1]);
        scala.collection.Map<String, Double> p = row.getMap(row.fieldIndex("probabilities"));
        assertEquals(e1 / (e0 + e1), p.apply("positive"), 1e-5);
      }
    }

    CliRun again =
        run(
            "score",
            "--model",
            model.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString());
    assertEquals(2, again.exit());
    assertTrue(again.err().contains("--overwrite"), again.err());
    CliRun noCol =
        run(
            "score",
            "--model",
            model.toString(),
            "--input",
            in.toString(),
            "--output",
            tmp.resolve("o2").toString(),
            "--text-col",
            "body");
    assertEquals(2, noCol.exit());
    assertTrue(noCol.err().contains("body"), noCol.err());
  }
}
