package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code confidenceCol}: output column: the probability of the most probable label.
 */
public interface HasConfidenceCol extends Params {

  Param<String> confidenceCol();

  default String getConfidenceCol() {
    return $(confidenceCol());
  }

  /** Creates the param for {@code owner} and registers its default ("confidence"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(
            owner, "confidenceCol", "output column: the probability of the most probable label");
    owner.setDefault(p, "confidence");
    return p;
  }
}
