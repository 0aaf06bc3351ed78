package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** Shared param {@code probabilitiesCol}: output column: map of label name to probability. */
public interface HasProbabilitiesCol<T extends HasProbabilitiesCol<T>> extends SharedParams<T> {

  default Param<String> probabilitiesCol() {
    return shared("probabilitiesCol", HasProbabilitiesCol::define);
  }

  default String getProbabilitiesCol() {
    return $(probabilitiesCol());
  }

  default T setProbabilitiesCol(String v) {
    return setShared(probabilitiesCol(), v);
  }

  /** Creates the param for {@code owner} and registers its default ("probabilities"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(owner, "probabilitiesCol", "output column: map of label name to probability");
    owner.setDefault(p, "probabilities");
    return p;
  }
}
