package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** Shared param {@code errorCol}: output column: why a row was not scored, null when it was. */
public interface HasErrorCol extends Params {

  Param<String> errorCol();

  default String getErrorCol() {
    return $(errorCol());
  }

  /** Creates the param for {@code owner} and registers its default ("error"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(owner, "errorCol", "output column: why a row was not scored, null when it was");
    owner.setDefault(p, "error");
    return p;
  }
}
