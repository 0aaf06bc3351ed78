package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code textCol}: the input column holding each document's text (string, or UTF-8
 * bytes).
 */
public interface HasTextCol extends Params {

  Param<String> textCol();

  default String getTextCol() {
    return $(textCol());
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
