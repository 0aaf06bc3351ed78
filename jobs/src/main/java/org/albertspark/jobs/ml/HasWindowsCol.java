package org.albertspark.jobs.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Shared param {@code windowsCol}: output column: the number of windows the document was scored in.
 */
public interface HasWindowsCol<T extends HasWindowsCol<T>> extends SharedParams<T> {

  default Param<String> windowsCol() {
    return shared("windowsCol", HasWindowsCol::define);
  }

  default String getWindowsCol() {
    return $(windowsCol());
  }

  default T setWindowsCol(String v) {
    return setShared(windowsCol(), v);
  }

  /** Creates the param for {@code owner} and registers its default ("windows"). */
  static Param<String> define(Params owner) {
    Param<String> p =
        new Param<>(
            owner, "windowsCol", "output column: the number of windows the document was scored in");
    owner.setDefault(p, "windows");
    return p;
  }
}
