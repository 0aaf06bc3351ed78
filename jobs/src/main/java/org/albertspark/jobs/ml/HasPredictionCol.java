package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code predictionCol}: output column: the predicted label name (multi-label: the
 * labels at or above the threshold, comma-separated).
 */
public interface HasPredictionCol<T extends HasPredictionCol<T>> extends SharedParams<T> {

  default Param<String> predictionCol() {
    return shared("predictionCol", HasPredictionCol::define);
  }

  default String getPredictionCol() {
    return $(predictionCol());
  }

  default T setPredictionCol(String v) {
    return setShared(predictionCol(), v);
  }

  /** Creates the param for {@code owner} and registers its default ("prediction"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(
            owner,
            "predictionCol",
            "output column: the predicted label name (multi-label: the labels at or above the threshold, comma-separated)");
    owner.setDefault(p, "prediction");
    return p;
  }
}
