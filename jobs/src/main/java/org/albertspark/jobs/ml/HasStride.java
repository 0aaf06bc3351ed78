package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code stride}: tokens shared by consecutive windows of a document longer than one
 * window.
 */
public interface HasStride<T extends HasStride<T>> extends SharedParams<T> {

  default IntParam stride() {
    return shared("stride", HasStride::define);
  }

  default int getStride() {
    return (Integer) $(stride());
  }

  default T setStride(int v) {
    return setShared(stride(), v);
  }

  /** Creates the param for {@code owner} and registers its default (64). */
  static IntParam define(Params owner) {
    IntParam p =
        new IntParam(
            owner,
            "stride",
            "tokens shared by consecutive windows of a document longer than one window",
            ParamValidators.gtEq(0));
    owner.setDefault(p, 64);
    return p;
  }
}
