package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code maxSeqLength}: window length in tokens, [CLS] and [SEP] included; 0 = the
 * model's max_position_embeddings.
 */
public interface HasMaxSeqLength<T extends HasMaxSeqLength<T>> extends SharedParams<T> {

  default IntParam maxSeqLength() {
    return shared("maxSeqLength", HasMaxSeqLength::define);
  }

  default int getMaxSeqLength() {
    return (Integer) $(maxSeqLength());
  }

  default T setMaxSeqLength(int v) {
    return setShared(maxSeqLength(), v);
  }

  /** Creates the param for {@code owner} and registers its default (0). */
  static IntParam define(Params owner) {
    IntParam p =
        new IntParam(
            owner,
            "maxSeqLength",
            "window length in tokens, [CLS] and [SEP] included; 0 = the model's max_position_embeddings",
            ParamValidators.gtEq(0));
    owner.setDefault(p, 0);
    return p;
  }
}
