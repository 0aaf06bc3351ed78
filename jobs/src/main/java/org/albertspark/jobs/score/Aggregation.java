package org.albertspark.jobs.score;

import java.util.Locale;

/** How the logits of a document's windows combine into the document's logits. */
public enum Aggregation {
  /** Mean over windows, per class. */
  MEAN,
  /** Maximum over windows, per class. */
  MAX,
  /** The first window's (the start of the document, as truncation would give). */
  FIRST;

  /** The lower-case names the CLI and the Spark param use. */
  public static final String[] NAMES = {"mean", "max", "first"};

  public static Aggregation of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** A fresh running value for {@code classes} classes. */
  double[] start(int classes) {
    double[] acc = new double[classes];
    if (this == MAX) {
      java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
    }
    return acc;
  }

  /**
   * Folds the logits of window {@code window} into {@code acc} (the running value from {@link
   * #start}).
   */
  void add(double[] acc, float[] logits, int offset, int window) {
    for (int j = 0; j < acc.length; j++) {
      double v = logits[offset + j];
      switch (this) {
        case MEAN -> acc[j] += v;
        case MAX -> acc[j] = Math.max(acc[j], v);
        case FIRST -> {
          if (window == 0) {
            acc[j] = v;
          }
        }
      }
    }
  }

  /** The aggregated logits once all {@code windows} windows are in. */
  void finish(double[] acc, int windows) {
    if (this == MEAN) {
      for (int j = 0; j < acc.length; j++) {
        acc[j] /= windows;
      }
    }
  }
}
