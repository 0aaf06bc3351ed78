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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code albert finetune}, {@code albert eval} and {@code albert baseline} end to end on a small
 * TSV and the bundled tiny model, and their answers to bad input.
 */
class ClassifierCommandsTest {

  @TempDir static Path tmp;
  static Path train;
  static final Path TINY = Path.of("..", "examples", "tiny-albert");

  @BeforeAll
  static void data() throws Exception {
    StringBuilder sb = new StringBuilder("sentence\tlabel\n");
    String[] good = {"a fine film", "great acting", "lovely and warm", "a joy to watch"};
    String[] bad = {"a dull film", "poor acting", "cold and tedious", "a chore to watch"};
    for (int i = 0; i < 4; i++) {
      sb.append(good[i]).append("\tpositive\n").append(bad[i]).append("\tnegative\n");
    }
    sb.append("no label here\t\n"); // counted, skipped
    train = tmp.resolve("train.tsv");
    Files.writeString(train, sb);
  }

  @Test
  void helpNamesTheIssueFlags() {
    CliRun r = run("finetune", "--help");
    assertEquals(0, r.exit());
    for (String flag :
        List.of(
            "--model",
            "--train",
            "--validation",
            "--validation-fraction",
            "--format",
            "--text-col",
            "--text-pair-col",
            "--label-col",
            "--output",
            "--epochs",
            "--lr",
            "--batch",
            "--max-seq-length",
            "--workers",
            "--seed",
            "--master",
            "--init-config",
            "--spm-model",
            "--train-windows")) {
      assertTrue(r.out().contains(flag), flag + " missing from help:\n" + r.out());
    }
    assertTrue(run("eval", "--help").out().contains("--data"));
    // eval's window flags are score's: the same names, defaults and help
    var eval = AlbertCli.newCommandLine().getSubcommands().get("eval").getCommandSpec();
    var score = AlbertCli.newCommandLine().getSubcommands().get("score").getCommandSpec();
    for (String flag :
        List.of("--stride", "--aggregate", "--max-windows", "--batch-tokens", "--text-pair-col")) {
      assertTrue(eval.findOption(flag) != null && score.findOption(flag) != null, flag);
      if (!flag.equals("--text-pair-col")) {
        assertEquals(
            List.of(score.findOption(flag).description()),
            List.of(eval.findOption(flag).description()),
            flag);
        assertEquals(score.findOption(flag).defaultValue(), eval.findOption(flag).defaultValue());
      }
    }
    String baselineHelp = run("baseline", "--help").out();
    assertTrue(
        baselineHelp.contains("--test-fraction") && baselineHelp.contains("--progress-seconds"));
  }

  @Test
  void finetuneThenEvalThenBaselineOnTheSameData() throws Exception {
    Path out = tmp.resolve("model");
    CliRun ft =
        run(
            "finetune",
            "--model",
            TINY.toString(),
            "--train",
            train.toString(),
            "--validation",
            train.toString(),
            "--text-col",
            "sentence",
            "--output",
            out.toString(),
            "--epochs",
            "1",
            "--batch",
            "4",
            "--micro-batch",
            "2",
            "--workers",
            "2",
            "--max-seq-length",
            "32",
            "--lr",
            "1e-3",
            "--master",
            "local[2]");
    assertEquals(0, ft.exit(), ft.err());
    assertTrue(ft.err().contains("1 missing or blank label"), ft.err());
    assertTrue(ft.out().contains("macro-F1"), ft.out());
    assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));

    Path metrics = tmp.resolve("eval.json");
    CliRun ev =
        run(
            "eval",
            "--model",
            out.toString(),
            "--data",
            train.toString(),
            "--text-col",
            "sentence",
            "--output",
            metrics.toString(),
            "--master",
            "local[2]");
    assertEquals(0, ev.exit(), ev.err());
    JsonNode j = new ObjectMapper().readTree(metrics.toFile());
    assertEquals(8, j.get("metrics").get("examples").asInt());
    assertEquals(1, j.get("skipped").asInt());
    assertTrue(ev.out().contains("confusion matrix"));
    assertEquals(0, j.get("errors").asInt());
    assertEquals(8, j.get("windows").asInt(), "short texts: one window each");
    // the validation of the kept epoch is the same evaluation of the same rows
    JsonNode ftm = new ObjectMapper().readTree(out.resolve("finetune_metrics.json").toFile());
    JsonNode kept = ftm.get("epochs").get(0).get("validation");
    for (String m : List.of("accuracy", "macro_f1", "loss")) {
      assertEquals(kept.get(m).asDouble(), j.get("metrics").get(m).asDouble(), 1e-9, m);
    }
    assertEquals(kept.get("confusion_matrix"), j.get("metrics").get("confusion_matrix"));

    Path base = tmp.resolve("baseline");
    CliRun bl =
        run(
            "baseline",
            "--train",
            train.toString(),
            "--test",
            train.toString(),
            "--text-col",
            "sentence",
            "--min-df",
            "1",
            "--output",
            base.toString(),
            "--master",
            "local[2]");
    assertEquals(0, bl.exit(), bl.err());
    assertTrue(bl.out().contains("macro-F1"), bl.out());
    JsonNode b = new ObjectMapper().readTree(base.resolve("metrics.json").toFile());
    assertEquals(1.0, b.get("metrics").get("accuracy").asDouble(), 1e-12, "fits its own train set");
    assertTrue(Files.isDirectory(base.resolve("model")));
  }

  /** {@code albert finetune} of the tiny model on the training table into tmp/{@code out}. */
  private static CliRun finetuneTiny(String out, String... flags) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "finetune",
                "--model",
                TINY.toString(),
                "--train",
                train.toString(),
                "--output",
                tmp.resolve(out).toString()));
    args.addAll(List.of(flags));
    return run(args.toArray(String[]::new));
  }

  @Test
  void badInputIsAClearErrorBeforeTraining() throws Exception {
    // unknown column
    CliRun r = finetuneTiny("x", "--master", "local[1]");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("no column text") && r.err().contains("sentence"), r.err());
    // a single class
    Path one = tmp.resolve("one.csv");
    Files.writeString(one, "text,label\nabc,a\ndef,a\n");
    r =
        run(
            "finetune",
            "--model",
            TINY.toString(),
            "--train",
            one.toString(),
            "--output",
            tmp.resolve("y").toString(),
            "--master",
            "local[1]");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("at least two classes"), r.err());
    // a model directory without spiece.model: found before Spark starts
    Path noSpm = tmp.resolve("no-spm");
    Files.createDirectories(noSpm);
    for (String f : List.of("config.json", "model.safetensors")) {
      Files.copy(TINY.resolve(f), noSpm.resolve(f));
    }
    r =
        run(
            "finetune",
            "--model",
            noSpm.toString(),
            "--train",
            train.toString(),
            "--output",
            tmp.resolve("z").toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("spiece.model"), r.err());
    // --init-config without --spm-model; a format that cannot be told from the name
    r =
        run(
            "finetune",
            "--init-config",
            "albert-base-v2",
            "--train",
            train.toString(),
            "--output",
            tmp.resolve("w").toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--spm-model"), r.err());
    r = run("baseline", "--train", tmp.resolve("data").toString(), "--test-fraction", "0.2");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--format"), r.err());
    // a held-out fraction outside (0, 1): a usage error in both commands, before Spark starts
    r = run("baseline", "--train", train.toString(), "--test-fraction", "1.5");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--test-fraction must be in (0, 1)"), r.err());
    r = finetuneTiny("u", "--validation-fraction", "0");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--validation-fraction must be in (0, 1)"), r.err());
    // --batch not a multiple of --micro-batch x --workers
    r = finetuneTiny("v", "--batch", "6", "--workers", "4");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("multiple"), r.err());
    r = finetuneTiny("t", "--train-windows", "-1");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--train-windows must be >= 0"), r.err());
  }

  @Test
  void sentencePairsFinetuneScoreAndEvalAgree() throws Exception {
    StringBuilder sb = new StringBuilder("id\tsentence\tother\tlabel\n");
    String[] first = {
      "a fine film", "great acting", "a dull film", "poor acting", "lovely", "cold"
    };
    String[] second = {"I agree", "so true", "I agree", "so true", "indeed", "indeed"};
    String[] label = {"positive", "positive", "negative", "negative", "positive", "negative"};
    for (int i = 0; i < first.length; i++) {
      sb.append(i).append('\t').append(first[i]).append('\t').append(second[i]);
      sb.append('\t').append(label[i]).append('\n');
    }
    Path pairs = tmp.resolve("pairs.tsv");
    Files.writeString(pairs, sb);
    Path model = tmp.resolve("pair-model");
    Path scored = tmp.resolve("pair-scores");
    Path metrics = tmp.resolve("pair-eval.json");
    String in = pairs.toString(), out = model.toString();
    CliRun r =
        pairRun(
            "finetune",
            "--model",
            TINY.toString(),
            "--train",
            in,
            "--validation",
            in,
            "--output",
            out,
            "--epochs",
            "1",
            "--batch",
            "2",
            "--micro-batch",
            "2",
            "--lr",
            "1e-3");
    assertEquals(0, r.exit(), r.err());
    // the default stride (64) does not fit windows of 32: score and eval take (32 - 2) / 2
    r =
        pairRun(
            "score",
            "--model",
            out,
            "--input",
            in,
            "--output",
            scored.toString(),
            "--keep-cols",
            "label");
    assertEquals(0, r.exit(), r.err());
    r = pairRun("eval", "--model", out, "--data", in, "--output", metrics.toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode j = new ObjectMapper().readTree(metrics.toFile());

    // the scores' confusion matrix and NLL are the eval's, and the fine-tuning validation's
    List<String> names = List.of("negative", "positive"); // id2label order (sorted)
    long[][] confusion = new long[2][2];
    double nll = 0;
    var spark = org.apache.spark.sql.SparkSession.builder().master("local[1]").getOrCreate();
    List<org.apache.spark.sql.Row> rows = spark.read().parquet(scored.toString()).collectAsList();
    assertEquals(first.length, rows.size());
    for (var row : rows) {
      assertEquals(1, row.getInt(row.fieldIndex("windows")));
      assertTrue(row.isNullAt(row.fieldIndex("error")));
      String truth = row.getString(row.fieldIndex("label"));
      confusion[names.indexOf(truth)][names.indexOf(row.getString(row.fieldIndex("prediction")))]++;
      scala.collection.Map<String, Double> p = row.getMap(row.fieldIndex("probabilities"));
      nll -= Math.log(p.apply(truth));
    }
    assertEquals(
        new ObjectMapper().writeValueAsString(confusion),
        j.get("metrics").get("confusion_matrix").toString());
    assertEquals(nll / first.length, j.get("metrics").get("loss").asDouble(), 1e-9);
    JsonNode ftm = new ObjectMapper().readTree(model.resolve("finetune_metrics.json").toFile());
    assertEquals(
        ftm.get("epochs").get(0).get("validation").get("confusion_matrix"),
        j.get("metrics").get("confusion_matrix"));
  }

  /** {@code albert args...} on the sentence-pair table: its columns, windows of 32, local[1]. */
  static CliRun pairRun(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--text-col",
            "sentence",
            "--text-pair-col",
            "other",
            "--max-seq-length",
            "32",
            "--master",
            "local[1]"));
    return run(all.toArray(String[]::new));
  }
}
