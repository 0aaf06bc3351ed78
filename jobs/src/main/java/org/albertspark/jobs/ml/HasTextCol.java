package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code textCol}: the input column holding each document's text (string, or UTF-8
 * bytes).
 */
public interface HasTextCol<T extends HasTextCol<T>> extends SharedParams<T> {

  default Param<String> textCol() {
    return shared("textCol", HasTextCol::define);
  }

  default String getTextCol() {
    return $(textCol());
  }

  default T setTextCol(String v) {
    return setShared(textCol(), v);
  }

  /** Creates the param for {@code owner} and registers its default ("text"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(
            owner,
            "textCol",
            "the input column holding each document's text (string, or UTF-8 bytes)");
    owner.setDefault(p, "text");
    return p;
  }
}
