package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code maxWindows}: the most windows scored per document, its first ones (0 = every
 * window); a document with more is marked in the truncated column.
 */
public interface HasMaxWindows<T extends HasMaxWindows<T>> extends SharedParams<T> {

  default IntParam maxWindows() {
    return shared("maxWindows", HasMaxWindows::define);
  }

  default int getMaxWindows() {
    return (Integer) $(maxWindows());
  }

  default T setMaxWindows(int v) {
    return setShared(maxWindows(), v);
  }

  /** Creates the param for {@code owner} and registers its default (0: no limit). */
  static IntParam define(Params owner) {
    IntParam p =
        new IntParam(
            owner,
            "maxWindows",
            "the most windows scored per document, its first ones (0 = every window); a document"
                + " with more is marked in the truncated column",
            ParamValidators.gtEq(0));
    owner.setDefault(p, 0);
    return p;
  }
}
