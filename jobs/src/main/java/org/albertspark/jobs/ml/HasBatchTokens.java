package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code batchTokens}: token budget of one forward pass (rows × padded length); bounds
 * the working memory of a task.
 */
public interface HasBatchTokens<T extends HasBatchTokens<T>> extends SharedParams<T> {

  default IntParam batchTokens() {
    return shared("batchTokens", HasBatchTokens::define);
  }

  default int getBatchTokens() {
    return (Integer) $(batchTokens());
  }

  default T setBatchTokens(int v) {
    return setShared(batchTokens(), v);
  }

  /** Creates the param for {@code owner} and registers its default (4096). */
  static IntParam define(Params owner) {
    IntParam p =
        new IntParam(
            owner,
            "batchTokens",
            "token budget of one forward pass (rows × padded length); bounds the working memory of a task",
            ParamValidators.gt(0));
    owner.setDefault(p, 4096);
    return p;
  }
}
