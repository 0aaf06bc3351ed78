package org.albertspark.jobs.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The baseline learns a separable task (its training rows, and unseen phrases carrying only one
 * class's cue words), and its fit does not depend on how the training data is partitioned.
 */
class TfidfBaselineTest {

  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.start();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static final StructType SCHEMA =
      new StructType().add("text", DataTypes.StringType).add("label", DataTypes.StringType);

  static LabelledData labelled(Dataset<Row> df) {
    return LabelledData.of(df, "rows", new LabelledData.Columns("text", null, "label"));
  }

  static Dataset<Row> trainRows() {
    String[] pos = {
      "a fine film", "great acting", "lovely and warm", "a joy to watch", "fine cast"
    };
    String[] neg = {
      "a dull film", "poor acting", "cold and tedious", "a chore to watch", "dull cast"
    };
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < pos.length; i++) {
      rows.add(RowFactory.create(pos[i], "pos"));
      rows.add(RowFactory.create(neg[i], "neg"));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  static final TfidfBaseline.Settings SETTINGS =
      new TfidfBaseline.Settings(false, 1000, 1, 1e-3, 50);

  @Test
  void learnsASeparableTask() throws Exception {
    LabelledData train = labelled(trainRows());
    LabelSet labels = train.labelSet();
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    TfidfBaseline.Fitted fitted;
    int evaluations;
    try (FitProgress progress =
        new FitProgress(spark.sparkContext(), 50, java.time.Duration.ofMillis(50), lines::add)) {
      fitted = TfidfBaseline.fit(train, labels, SETTINGS);
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
      evaluations = progress.lossEvaluations();
      lines.add(progress.line());
    }
    assertTrue(fitted.iterations() > 0 && fitted.iterations() <= 50, "" + fitted.iterations());
    // the fit's progress counts L-BFGS's loss evaluations: at least one per iteration
    assertTrue(evaluations >= fitted.iterations(), evaluations + " < " + fitted.iterations());
    String last = lines.get(lines.size() - 1);
    assertTrue(
        last.matches(
            "fitting for 0:00:\\d\\d: [1-9][0-9]* Spark jobs done, "
                + evaluations
                + " loss evaluations \\(L-BFGS, at most --max-iter 50 iterations\\)"),
        last);
    assertEquals(
        1.0,
        TfidfBaseline.evaluate(fitted.model(), train, labels).accuracy(),
        "training rows of a separable task");
    LabelledData unseen =
        labelled(
            spark.createDataFrame(
                List.of(
                    RowFactory.create("fine and lovely", "pos"),
                    RowFactory.create("great joy", "pos"),
                    RowFactory.create("dull and tedious", "neg"),
                    RowFactory.create("poor chore", "neg")),
                SCHEMA));
    ClassificationMetrics m = TfidfBaseline.evaluate(fitted.model(), unseen, labels);
    assertEquals(1.0, m.accuracy(), "unseen phrases made of one class's words");
  }

  @Test
  void theFitDoesNotDependOnThePartitioning() {
    LabelledData one = labelled(trainRows().coalesce(1));
    LabelledData three = labelled(trainRows().repartition(3));
    LabelSet labels = one.labelSet();
    TfidfBaseline.Fitted a = TfidfBaseline.fit(one, labels, SETTINGS);
    TfidfBaseline.Fitted b = TfidfBaseline.fit(three, labels, SETTINGS);
    assertEquals(a.iterations(), b.iterations());
    Dataset<Row> probe = one.withLabelIds(labels, TfidfBaseline.LABEL_ID).coalesce(1);
    List<Row> pa = a.model().transform(probe).select("probability").collectAsList();
    List<Row> pb = b.model().transform(probe).select("probability").collectAsList();
    assertEquals(10, pa.size());
    for (int i = 0; i < pa.size(); i++) {
      assertArrayEquals(
          ((Vector) pa.get(i).get(0)).toArray(), ((Vector) pb.get(i).get(0)).toArray(), 1e-9);
    }
  }
}
