package org.albertspark.jobs.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;

/** The Has* params live once per stage: found by Spark ML, defaults set, copied, one instance. */
class SharedParamsTest {

  static List<String> names(org.apache.spark.ml.param.Params stage) {
    return Arrays.stream(stage.params()).map(Param::name).toList();
  }

  @Test
  void bothStagesExposeTheirSharedParamsWithDefaults() {
    AlbertClassificationModel model = new AlbertClassificationModel("/nowhere");
    assertTrue(
        names(model)
            .containsAll(
                List.of(
                    "textCol",
                    "maxSeqLength",
                    "stride",
                    "aggregate",
                    "batchTokens",
                    "threshold",
                    "predictionCol",
                    "confidenceCol",
                    "probabilitiesCol",
                    "windowsCol",
                    "errorCol",
                    "modelCol")),
        names(model).toString());
    assertEquals("text", model.getTextCol());
    assertEquals(0, model.getMaxSeqLength());
    assertEquals(64, model.getStride());
    AlbertClassifier classifier = new AlbertClassifier();
    assertTrue(names(classifier).containsAll(List.of("textCol", "maxSeqLength", "labelCol")));
    assertEquals(128, classifier.getMaxSeqLength()); // the estimator's own default wins
    for (Param<?> p : model.params()) {
      assertTrue(model.hasDefault(p), p.name() + " has no default");
    }
  }

  @Test
  void settersChainAndCopiesKeepValues() {
    AlbertClassificationModel model =
        new AlbertClassificationModel("/nowhere").setStride(3).setTextCol("body");
    assertSame(model.textCol(), model.textCol()); // one param per stage, not one per call
    AlbertClassificationModel copy = model.copy(ParamMap.empty());
    assertEquals(3, copy.getStride());
    assertEquals("body", copy.getTextCol());
    assertEquals(
        "review", new AlbertClassifier().setTextCol("review").copy(ParamMap.empty()).getTextCol());
  }
}
