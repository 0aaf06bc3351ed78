package org.albertspark.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The one output shape of every benchmark: a table or JSON lines. */
class BenchReportTest {

  private static BenchReport.Builder sample() {
    return BenchReport.builder()
        .context("input: x")
        .column("name", "encoder", "%s")
        .column("chars_per_s", "chars/s", "%,.0f")
        .column("pieces", "pieces", "%d")
        .row("ours", 1234567.4, 10L)
        .row("spm_encode", 99.0, null)
        .summary("ratio 2.00x");
  }

  private static String print(Consumer<PrintWriter> p) {
    StringWriter s = new StringWriter();
    p.accept(new PrintWriter(s));
    return s.toString();
  }

  @Test
  void tableAlignsColumnsAndPrintsMissingCellsAsDash() {
    BenchReport r = sample().build();
    assertEquals(
        String.join(
            "\n",
            "input: x",
            "encoder       chars/s  pieces",
            "ours        1,234,567      10",
            "spm_encode         99       -",
            "ratio 2.00x",
            ""),
        print(r::printTable));
  }

  @Test
  void jsonIsOneObjectPerRowKeyedByColumn() {
    assertEquals(
        "{\"name\":\"ours\",\"chars_per_s\":1234567.4,\"pieces\":10}\n"
            + "{\"name\":\"spm_encode\",\"chars_per_s\":99.0,\"pieces\":null}\n",
        print(sample().build()::printJson));
  }

  @Test
  void failedChecksAndMisshapenRows() {
    assertFalse(sample().failed().build().passed());
    assertThrows(IllegalArgumentException.class, () -> sample().row("only one"));
  }
}
