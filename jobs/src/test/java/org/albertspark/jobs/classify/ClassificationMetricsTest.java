package org.albertspark.jobs.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Metrics against values worked out by hand (the definitions scikit-learn uses). */
class ClassificationMetricsTest {

  // true:      a a a a b b b c c c
  // predicted: a a b c b b a c c b
  static final int[] TRUE = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
  static final int[] PRED = {0, 0, 1, 2, 1, 1, 0, 2, 2, 1};

  @Test
  void accuracyPerClassAndMacroF1() {
    var m = ClassificationMetrics.of(List.of("a", "b", "c"), TRUE, PRED, OptionalDouble.of(0.5));
    assertEquals(10, m.examples());
    assertEquals(0.6, m.accuracy(), 1e-12);
    var per = m.perClass();
    // a: tp 2, predicted 3, support 4 -> p 2/3, r 1/2, f1 4/7
    assertEquals(2.0 / 3, per.get(0).precision(), 1e-12);
    assertEquals(0.5, per.get(0).recall(), 1e-12);
    assertEquals(4.0 / 7, per.get(0).f1(), 1e-12);
    // b: tp 2, predicted 4, support 3 -> p 1/2, r 2/3, f1 4/7
    assertEquals(4.0 / 7, per.get(1).f1(), 1e-12);
    // c: tp 2, predicted 3, support 3 -> f1 2/3
    assertEquals(2.0 / 3, per.get(2).f1(), 1e-12);
    assertEquals((4.0 / 7 + 4.0 / 7 + 2.0 / 3) / 3, m.macroF1(), 1e-12);
    assertEquals(4, per.get(0).support());
  }

  @Test
  void classAbsentFromTruthAndPredictionsDoesNotCountInMacroF1() {
    var m =
        ClassificationMetrics.of(
            List.of("x", "y", "unused"),
            new int[] {0, 1},
            new int[] {0, 1},
            OptionalDouble.empty());
    assertEquals(1.0, m.macroF1(), 1e-12);
    var never =
        ClassificationMetrics.of(
            List.of("x", "y"), new int[] {0, 1}, new int[] {0, 0}, OptionalDouble.empty());
    // y is never predicted: precision 0, recall 0, f1 0; x: p 1/2 r 1 f1 2/3
    assertEquals((2.0 / 3) / 2, never.macroF1(), 1e-12);
  }

  @Test
  void jsonAndTableCarryTheSameFigures() {
    var m = ClassificationMetrics.of(List.of("a", "b", "c"), TRUE, PRED, OptionalDouble.of(0.25));
    JsonNode j = m.toJson();
    assertEquals(0.6, j.get("accuracy").asDouble(), 1e-12);
    assertEquals(m.macroF1(), j.get("macro_f1").asDouble(), 1e-12);
    assertEquals(0.25, j.get("loss").asDouble(), 1e-12);
    assertEquals(3, j.get("per_class").size());
    assertEquals("b", j.get("per_class").get(1).get("label").asText());
    assertEquals(1, j.get("confusion_matrix").get(0).get(1).asLong());
    assertEquals(1, j.get("confusion_matrix").get(1).get(0).asLong());
    StringWriter s = new StringWriter();
    m.printTable(new PrintWriter(s), "title");
    assertTrue(s.toString().contains("accuracy 0.6000"), s.toString());
    assertTrue(s.toString().contains("macro-F1 " + String.format("%.4f", m.macroF1())));
  }

  @Test
  void mismatchedInputsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ClassificationMetrics.of(
                List.of("a"), new int[] {0}, new int[] {}, OptionalDouble.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ClassificationMetrics(List.of("a", "b"), new long[1][1], OptionalDouble.empty()));
  }

  @Test
  void labelsOrderNumericallyWhenAllAreIntegers() {
    assertEquals(List.of("2", "10", "33"), LabelSet.of(List.of("10", "33", "2")).names());
    assertEquals(List.of("10", "2", "b"), LabelSet.of(List.of("b", "10", "2")).names());
  }
}
