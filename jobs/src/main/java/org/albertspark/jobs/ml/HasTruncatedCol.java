package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code truncatedCol}: output column: true when the document had more windows than
 * maxWindows and only the first ones were scored (null when not scored).
 */
public interface HasTruncatedCol<T extends HasTruncatedCol<T>> extends SharedParams<T> {

  default Param<String> truncatedCol() {
    return shared("truncatedCol", HasTruncatedCol::define);
  }

  default String getTruncatedCol() {
    return $(truncatedCol());
  }

  default T setTruncatedCol(String v) {
    return setShared(truncatedCol(), v);
  }

  /** Creates the param for {@code owner} and registers its default ("truncated"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(
            owner,
            "truncatedCol",
            "output column: true when the document had more windows than maxWindows and only the"
                + " first ones were scored (null when not scored)");
    owner.setDefault(p, "truncated");
    return p;
  }
}
