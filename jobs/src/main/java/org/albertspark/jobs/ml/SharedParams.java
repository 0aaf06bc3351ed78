package org.albertspark.jobs.ml;

import java.util.Map;
import java.util.function.Function;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A stage ({@code T}) whose shared params ({@code Has*}) live in one per-instance registry instead
 * of a field, an accessor and a setter each: every {@code Has*} interface creates its param on
 * first use (registering its default) and supplies accessor, getter and setter, so a stage that has
 * a param only names the interface. {@code T} is the stage's own type, what setters return.
 *
 * <p>Spark ML finds params by reflection on public no-argument methods returning a {@link Param}
 * (the interfaces' accessors are such methods); a stage calls {@link #params()} at the end of its
 * constructor so that every param and default exists before anything reads or copies them.
 */
public interface SharedParams<T extends SharedParams<T>> extends Params {

  /** This instance's shared params by name (a plain mutable map; the stage owns it). */
  Map<String, Param<?>> sharedParams();

  /** The param {@code name}, created by {@code define} (which also sets its default) once. */
  @SuppressWarnings("unchecked")
  default <P extends Param<?>> P shared(String name, Function<Params, P> define) {
    Param<?> p = sharedParams().get(name);
    if (p == null) {
      p = define.apply(this);
      sharedParams().put(name, p);
    }
    return (P) p;
  }

  /** Sets {@code param} and returns the stage, for chained setters. */
  @SuppressWarnings("unchecked")
  default <V> T setShared(Param<V> param, V value) {
    return (T) set(param, value);
  }
}
