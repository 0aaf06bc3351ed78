package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** Shared param {@code modelCol}: output column: the scoring model's name and content hash. */
public interface HasModelCol<T extends HasModelCol<T>> extends SharedParams<T> {

  default Param<String> modelCol() {
    return shared("modelCol", HasModelCol::define);
  }

  default String getModelCol() {
    return $(modelCol());
  }

  default T setModelCol(String v) {
    return setShared(modelCol(), v);
  }

  /** Creates the param for {@code owner} and registers its default ("model"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(owner, "modelCol", "output column: the scoring model's name and content hash");
    owner.setDefault(p, "model");
    return p;
  }
}
