package org.albertspark.jobs.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * How well predicted labels match the true ones: accuracy, macro-F1, per-class precision, recall
 * and F1, and the confusion matrix (rows: true label, columns: predicted), optionally with the mean
 * loss. Printed as a table and written as JSON in the same layout by {@code albert eval}, {@code
 * albert baseline} and the per-epoch validation of {@code albert finetune}, so their numbers sit
 * side by side.
 *
 * <p>Macro-F1 is the unweighted mean of the per-class F1 over the classes that occur as a true or
 * predicted label (scikit-learn's default); a class never predicted has precision 0, a class never
 * true has recall 0.
 */
public record ClassificationMetrics(List<String> labels, long[][] confusion, OptionalDouble loss) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Scores of one class. */
  public record ClassScores(
      String label, double precision, double recall, double f1, long support, long predicted) {}

  public ClassificationMetrics {
    labels = List.copyOf(labels);
    if (confusion.length != labels.size()) {
      throw new IllegalArgumentException(
          "confusion matrix has " + confusion.length + " rows for " + labels.size() + " labels");
    }
    long[][] copy = new long[confusion.length][];
    for (int i = 0; i < confusion.length; i++) {
      if (confusion[i].length != labels.size()) {
        throw new IllegalArgumentException("confusion matrix is not square");
      }
      copy[i] = confusion[i].clone();
    }
    confusion = copy;
  }

  /** Counts (true, predicted) pairs, ids into {@code labels}. */
  public static ClassificationMetrics of(
      List<String> labels, int[] trueIds, int[] predictedIds, OptionalDouble loss) {
    if (trueIds.length != predictedIds.length) {
      throw new IllegalArgumentException(
          trueIds.length + " true labels but " + predictedIds.length + " predictions");
    }
    long[][] m = new long[labels.size()][labels.size()];
    for (int i = 0; i < trueIds.length; i++) {
      m[trueIds[i]][predictedIds[i]]++;
    }
    return new ClassificationMetrics(labels, m, loss);
  }

  @Override
  public long[][] confusion() {
    long[][] copy = new long[confusion.length][];
    for (int i = 0; i < confusion.length; i++) {
      copy[i] = confusion[i].clone();
    }
    return copy;
  }

  /** Number of examples scored. */
  public long examples() {
    long n = 0;
    for (long[] row : confusion) {
      for (long v : row) {
        n += v;
      }
    }
    return n;
  }

  public double accuracy() {
    long correct = 0;
    for (int i = 0; i < confusion.length; i++) {
      correct += confusion[i][i];
    }
    long n = examples();
    return n == 0 ? 0 : (double) correct / n;
  }

  public List<ClassScores> perClass() {
    List<ClassScores> out = new ArrayList<>();
    int k = labels.size();
    for (int c = 0; c < k; c++) {
      long support = 0, predicted = 0;
      for (int j = 0; j < k; j++) {
        support += confusion[c][j];
        predicted += confusion[j][c];
      }
      long tp = confusion[c][c];
      double p = predicted == 0 ? 0 : (double) tp / predicted;
      double r = support == 0 ? 0 : (double) tp / support;
      double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
      out.add(new ClassScores(labels.get(c), p, r, f1, support, predicted));
    }
    return out;
  }

  /** Mean F1 over the classes that are a true or a predicted label of some example. */
  public double macroF1() {
    double sum = 0;
    int classes = 0;
    for (ClassScores s : perClass()) {
      if (s.support() > 0 || s.predicted() > 0) {
        sum += s.f1();
        classes++;
      }
    }
    return classes == 0 ? 0 : sum / classes;
  }

  /** The metrics as a JSON object (keys as in {@link #printTable}). */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("examples", examples());
    o.put("accuracy", accuracy());
    o.put("macro_f1", macroF1());
    loss.ifPresent(l -> o.put("loss", l));
    ArrayNode per = o.putArray("per_class");
    for (ClassScores s : perClass()) {
      per.addObject()
          .put("label", s.label())
          .put("precision", s.precision())
          .put("recall", s.recall())
          .put("f1", s.f1())
          .put("support", s.support());
    }
    ArrayNode names = o.putArray("labels");
    labels.forEach(names::add);
    ArrayNode matrix = o.putArray("confusion_matrix");
    for (long[] row : confusion) {
      ArrayNode r = matrix.addArray();
      for (long v : row) {
        r.add(v);
      }
    }
    return o;
  }

  /** The human-readable table: summary line, per-class scores, confusion matrix. */
  public void printTable(PrintWriter out, String title) {
    out.printf("%s%n", title);
    out.printf(
        "  examples %,d   accuracy %.4f   macro-F1 %.4f%s%n",
        examples(),
        accuracy(),
        macroF1(),
        loss.isPresent() ? String.format("   loss %.4f", loss.getAsDouble()) : "");
    int w = Math.max(8, labels.stream().mapToInt(String::length).max().orElse(5) + 2);
    w = Math.min(w, 28);
    out.printf("  %-" + w + "s %9s %9s %9s %9s%n", "label", "precision", "recall", "f1", "support");
    for (ClassScores s : perClass()) {
      out.printf(
          "  %-" + w + "s %9.4f %9.4f %9.4f %,9d%n",
          clip(s.label(), w),
          s.precision(),
          s.recall(),
          s.f1(),
          s.support());
    }
    out.printf("  confusion matrix (rows: true label, columns: predicted, in the order above)%n");
    int cw = 7;
    for (long[] row : confusion) {
      for (long v : row) {
        cw = Math.max(cw, Long.toString(v).length() + 1);
      }
    }
    for (int i = 0; i < confusion.length; i++) {
      StringBuilder sb =
          new StringBuilder("  ").append(String.format("%-" + w + "s", clip(labels.get(i), w)));
      for (long v : confusion[i]) {
        sb.append(String.format("%" + cw + "d", v));
      }
      out.println(sb);
    }
    out.flush();
  }

  private static String clip(String s, int w) {
    return s.length() <= w ? s : s.substring(0, w - 1) + "…";
  }
}
