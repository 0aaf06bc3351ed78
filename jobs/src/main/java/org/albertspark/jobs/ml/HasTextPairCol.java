package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code textPairCol}: the input column holding each row's second text, for
 * sentence-pair tasks (string, or UTF-8 bytes); empty (the default) for single texts.
 */
public interface HasTextPairCol<T extends HasTextPairCol<T>> extends SharedParams<T> {

  default Param<String> textPairCol() {
    return shared("textPairCol", HasTextPairCol::define);
  }

  default String getTextPairCol() {
    return $(textPairCol());
  }

  default T setTextPairCol(String v) {
    return setShared(textPairCol(), v == null ? "" : v);
  }

  /** The second text's column, or null when rows hold single texts. */
  default String textPairColumn() {
    String c = getTextPairCol();
    return c == null || c.isEmpty() ? null : c;
  }

  /** Creates the param for {@code owner} and registers its default ("": no second text). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(
            owner,
            "textPairCol",
            "the input column holding each row's second text for sentence pairs (string, or UTF-8"
                + " bytes); empty: single texts");
    owner.setDefault(p, "");
    return p;
  }
}
