package org.albertspark.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.classify.TestSpark;
import org.albertspark.model.io.ModelDirectory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long evaluation ({@code albert eval}, fine-tuning's validation) is not silent: while its job
 * runs it prints rows scored out of the usable rows, docs/s and ETA, as {@code albert score} does.
 */
class ClassifierEvaluationProgressTest {

  @Test
  void evaluationPrintsRowsScoredWhileItRuns(@TempDir Path tmp) throws Exception {
    List<String> labels = List.of("negative", "positive");
    Path dir = TinyClassifiers.write(tmp.resolve("cls"), labels, null, 3);
    List<Row> rows = new ArrayList<>();
    for (String line :
        Files.readAllLines(TinyClassifiers.EXAMPLES.resolve("text/emma-paragraphs.txt"))) {
      if (!line.isBlank() && rows.size() < 200) {
        rows.add(RowFactory.create(line, labels.get(rows.size() % 2)));
      }
    }
    StructType schema =
        new StructType().add("text", DataTypes.StringType).add("label", DataTypes.StringType);
    SparkSession spark = TestSpark.start();
    try {
      LabelledData data =
          LabelledData.of(
              spark.createDataFrame(rows, schema),
              "paragraphs",
              new LabelledData.Columns("text", null, "label"));
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      ClassifierEvaluation.Outcome outcome =
          ClassifierEvaluation.evaluate(
              JavaSparkContext.fromSparkContext(spark.sparkContext()),
              ModelDirectory.load(dir),
              Files.readAllBytes(dir.resolve(ModelDirectory.SPIECE)),
              data,
              new ScoringOptions(64, 16, Aggregation.MEAN, 4096, 0.5, 0),
              2,
              lines::add,
              Duration.ofMillis(1));
      assertEquals(rows.size(), outcome.metrics().examples());
      Pattern shown = Pattern.compile("scored ([0-9,]+) / " + rows.size() + " rows .* docs/s, ETA");
      long largest = -1;
      synchronized (lines) {
        assertTrue(!lines.isEmpty(), "progress lines while the job ran");
        for (String l : lines) {
          Matcher m = shown.matcher(l);
          assertTrue(m.find(), l);
          largest = Math.max(largest, Long.parseLong(m.group(1).replace(",", "")));
        }
      }
      assertTrue(largest <= rows.size(), "never more than the rows there are: " + largest);
    } finally {
      spark.stop();
    }
  }
}
