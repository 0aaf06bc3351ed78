package org.albertspark.jobs.classify;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
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

/** The baseline's one-pass fit is the plain pipeline's fit, and it learns a separable task. */
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

  static LabelledData data() {
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
    StructType schema =
        new StructType().add("text", DataTypes.StringType).add("label", DataTypes.StringType);
    return LabelledData.of(
        spark.createDataFrame(rows, schema),
        "rows",
        new LabelledData.Columns("text", null, "label"));
  }

  @Test
  void onePassFitEqualsThePipelineFit() {
    LabelledData train = data();
    LabelSet labels = train.labelSet();
    TfidfBaseline.Settings s = new TfidfBaseline.Settings(false, 1000, 1, 1e-3, 50);
    TfidfBaseline.Fitted fitted = TfidfBaseline.fit(train, labels, s);
    Dataset<Row> withIds =
        train
            .withLabelIds(labels, TfidfBaseline.LABEL_ID)
            .withColumn(TfidfBaseline.LABEL_ID, col(TfidfBaseline.LABEL_ID).cast("double"));
    PipelineModel plain = TfidfBaseline.pipeline(s).fit(withIds);
    List<Row> a = fitted.model().transform(withIds).select("probability").collectAsList();
    List<Row> b = plain.transform(withIds).select("probability").collectAsList();
    assertEquals(b.size(), a.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(
          ((Vector) b.get(i).get(0)).toArray(), ((Vector) a.get(i).get(0)).toArray(), 1e-9);
    }
    assertTrue(fitted.iterations() > 0 && fitted.iterations() <= 50, "" + fitted.iterations());
    ClassificationMetrics m = TfidfBaseline.evaluate(fitted.model(), train, labels);
    assertEquals(1.0, m.accuracy(), "training rows of a separable task");
  }
}
