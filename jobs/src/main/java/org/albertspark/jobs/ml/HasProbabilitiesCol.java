package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** Shared param {@code probabilitiesCol}: output column: map of label name to probability. */
public interface HasProbabilitiesCol extends Params {

  Param<String> probabilitiesCol();

  default String getProbabilitiesCol() {
    return $(probabilitiesCol());
  }

  /** Creates the param for {@code owner} and registers its default ("probabilities"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(owner, "probabilitiesCol", "output column: map of label name to probability");
    owner.setDefault(p, "probabilities");
    return p;
  }
}
