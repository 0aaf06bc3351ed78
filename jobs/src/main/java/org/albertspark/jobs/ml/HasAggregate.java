package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code aggregate}: how the logits of a long document's windows combine: mean, max or
 * first.
 */
public interface HasAggregate<T extends HasAggregate<T>> extends SharedParams<T> {

  default Param<String> aggregate() {
    return shared("aggregate", HasAggregate::define);
  }

  default String getAggregate() {
    return $(aggregate());
  }

  default T setAggregate(String v) {
    return setShared(aggregate(), v);
  }

  /** Creates the param for {@code owner} and registers its default ("mean"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(
            owner,
            "aggregate",
            "how the logits of a long document's windows combine: mean, max or first",
            ParamValidators.inArray(org.albertspark.jobs.score.Aggregation.NAMES));
    owner.setDefault(p, "mean");
    return p;
  }
}
