package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code threshold}: multi-label models: a label is predicted when its probability is
 * at least this.
 */
public interface HasThreshold<T extends HasThreshold<T>> extends SharedParams<T> {

  default DoubleParam threshold() {
    return shared("threshold", HasThreshold::define);
  }

  default double getThreshold() {
    return (Double) $(threshold());
  }

  default T setThreshold(double v) {
    return setShared(threshold(), v);
  }

  /** Creates the param for {@code owner} and registers its default (0.5). */
  static DoubleParam define(Params owner) {
    DoubleParam p =
        new DoubleParam(
            owner,
            "threshold",
            "multi-label models: a label is predicted when its probability is at least this",
            ParamValidators.inRange(0, 1));
    owner.setDefault(p, 0.5);
    return p;
  }
}
