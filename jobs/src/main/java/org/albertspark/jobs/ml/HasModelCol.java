package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** Shared param {@code modelCol}: output column: the scoring model's name and content hash. */
public interface HasModelCol extends Params {

  Param<String> modelCol();

  default String getModelCol() {
    return $(modelCol());
  }

  /** Creates the param for {@code owner} and registers its default ("model"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(owner, "modelCol", "output column: the scoring model's name and content hash");
    owner.setDefault(p, "model");
    return p;
  }
}
