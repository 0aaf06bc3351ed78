package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code confidenceCol}: output column: the probability of the most probable label.
 */
public interface HasConfidenceCol<T extends HasConfidenceCol<T>> extends SharedParams<T> {

  default Param<String> confidenceCol() {
    return shared("confidenceCol", HasConfidenceCol::define);
  }

  default String getConfidenceCol() {
    return $(confidenceCol());
  }

  default T setConfidenceCol(String v) {
    return setShared(confidenceCol(), v);
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
