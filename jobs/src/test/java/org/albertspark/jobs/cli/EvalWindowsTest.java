package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.albertspark.jobs.score.Aggregation;
import org.albertspark.jobs.score.BatchPolicy;
import org.albertspark.jobs.score.DocumentScorer;
import org.albertspark.jobs.score.LoadedClassifier;
import org.albertspark.jobs.score.ScoringOptions;
import org.albertspark.jobs.score.TinyClassifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code albert eval} scores through the windows of {@code albert score}: labelled with their
 * windowed predictions, long documents are all right with windows, and with only their first window
 * (what truncation sees) right exactly where that window predicts the same; the loss is the NLL of
 * the aggregated probabilities, and with one window per document it is the old truncating eval's
 * number (plain forward of the text cut to --max-seq-length), a different one.
 */
class EvalWindowsTest {

  static final int T = 32;
  static final int STRIDE = 6;

  record Labelled(String text, String label) {}

  static double[] softmax(float[] z) {
    double m = Math.max(z[0], z[1]), a = Math.exp(z[0] - m), b = Math.exp(z[1] - m);
    return new double[] {a / (a + b), b / (a + b)};
  }

  static DocumentScorer.Result score(LoadedClassifier c, String text, int maxWindows) {
    ScoringOptions o = new ScoringOptions(T, STRIDE, Aggregation.MEAN, 4096, 0.5, maxWindows);
    return new DocumentScorer(c, o, BatchPolicy.BUCKETED)
        .score(List.of((Object) text).iterator(), v -> v)
        .next()
        .result();
  }

  @Test
  void longDocumentsAreScoredInWindowsNotTruncated(@TempDir Path tmp) throws Exception {
    List<String> labels = List.of("negative", "positive");
    Path model = TinyClassifiers.write(tmp.resolve("cls"), labels, null, 7);
    LoadedClassifier c = LoadedClassifier.load(model);
    List<String> paragraphs = new ArrayList<>();
    for (String line :
        Files.readAllLines(TinyClassifiers.EXAMPLES.resolve("text/emma-paragraphs.txt"))) {
      if (!line.isBlank() && paragraphs.size() < 80) {
        paragraphs.add(line.replace('\t', ' ').trim());
      }
    }
    // long documents (several windows), labelled with their windowed prediction; agreeing counts
    // those whose first window alone (what truncation sees) predicts the same
    List<Labelled> longDocs = new ArrayList<>();
    long longWindows = 0;
    int firstWindowRight = 0;
    for (int i = 0; i + 3 <= paragraphs.size() && longDocs.size() < 4; i += 3) {
      String doc = String.join(" ", paragraphs.subList(i, i + 3));
      DocumentScorer.Result all = score(c, doc, 0), first = score(c, doc, 1);
      if (all.windows() > 1) {
        longDocs.add(new Labelled(doc, all.prediction()));
        longWindows += all.windows();
        firstWindowRight += all.prediction().equals(first.prediction()) ? 1 : 0;
      }
    }
    assertEquals(4, longDocs.size(), "documents of several windows");
    List<Labelled> shortDocs = new ArrayList<>();
    for (String p : paragraphs) {
      if (c.tokenizer().tokenizeToIds(p).length <= T - 2 && shortDocs.size() < 6) {
        shortDocs.add(new Labelled(p, score(c, p, 0).prediction()));
      }
    }
    assertTrue(shortDocs.size() >= 3, "short documents");
    List<Labelled> rows = new ArrayList<>(longDocs);
    rows.addAll(shortDocs);
    StringBuilder tsv = new StringBuilder("text\tlabel\n");
    for (Labelled r : rows) {
      tsv.append(r.text()).append('\t').append(r.label()).append('\n');
    }
    tsv.append("bad \uFFFD bytes\tpositive\n"); // not scorable: counted, not dropped
    Path data = tmp.resolve("docs.tsv");
    Files.writeString(data, tsv);

    // windows (the defaults of albert score, --aggregate mean)
    Path windowed = tmp.resolve("windowed.json");
    CliRun ev = eval(model, data, windowed);
    assertEquals(0, ev.exit(), ev.err());
    assertTrue(ev.out().contains("windows: ") && ev.out().contains("rows not scored: 1"), ev.out());
    JsonNode j = new ObjectMapper().readTree(windowed.toFile());
    int n = rows.size();
    assertEquals(n, j.get("metrics").get("examples").asInt());
    assertEquals(
        1.0, j.get("metrics").get("accuracy").asDouble(), "labels are the windowed predictions");
    assertEquals(longWindows + shortDocs.size(), j.get("windows").asLong());
    assertEquals(longDocs.size(), j.get("multi_window_documents").asInt());
    assertEquals(0, j.get("truncated_documents").asInt());
    assertEquals(1, j.get("errors").asInt());
    assertEquals(1, j.get("errors_by_reason").get("undecodable text").asInt());
    double nll = 0;
    for (Labelled r : rows) {
      nll -= Math.log(score(c, r.text(), 0).probabilities().get(r.label()));
    }
    assertEquals(nll / n, j.get("metrics").get("loss").asDouble(), 1e-5);

    // only the first window: what truncating to --max-seq-length sees
    Path cut = tmp.resolve("first-window.json");
    ev = eval(model, data, cut, "--max-windows", "1");
    assertEquals(0, ev.exit(), ev.err());
    JsonNode k = new ObjectMapper().readTree(cut.toFile());
    assertEquals(
        (double) (shortDocs.size() + firstWindowRight) / n,
        k.get("metrics").get("accuracy").asDouble(),
        1e-12,
        "a long document is right when its first window predicts its windowed label");
    assertEquals(longDocs.size(), k.get("truncated_documents").asInt());
    assertEquals(n, k.get("windows").asLong());
    // the old eval: the plain forward of each text truncated to T tokens, mean cross-entropy
    double old = 0;
    for (Labelled r : rows) {
      float[] z =
          TinyClassifiers.plainLogits(
              c.model(), TinyClassifiers.encode(c.tokenizer(), r.text(), T));
      old -= Math.log(softmax(z)[labels.indexOf(r.label())]);
    }
    assertEquals(old / n, k.get("metrics").get("loss").asDouble(), 1e-5);
    // and the windowed loss is not that number: eval read past the first window
    assertTrue(
        Math.abs(old / n - j.get("metrics").get("loss").asDouble()) > 1e-4,
        old / n + " vs " + j.get("metrics").get("loss").asDouble());
  }

  static CliRun eval(Path model, Path data, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "eval",
                "--model",
                model.toString(),
                "--data",
                data.toString(),
                "--max-seq-length",
                Integer.toString(T),
                "--stride",
                Integer.toString(STRIDE),
                "--output",
                out.toString(),
                "--master",
                "local[1]"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }
}
