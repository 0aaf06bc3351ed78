package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** Shared param {@code errorCol}: output column: why a row was not scored, null when it was. */
public interface HasErrorCol<T extends HasErrorCol<T>> extends SharedParams<T> {

  default Param<String> errorCol() {
    return shared("errorCol", HasErrorCol::define);
  }

  default String getErrorCol() {
    return $(errorCol());
  }

  default T setErrorCol(String v) {
    return setShared(errorCol(), v);
  }

  /** Creates the param for {@code owner} and registers its default ("error"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(owner, "errorCol", "output column: why a row was not scored, null when it was");
    owner.setDefault(p, "error");
    return p;
  }
}
