package org.albertspark.jobs.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a {@link Benchmark} measured, in the one shape every benchmark prints: context lines (what
 * ran, on what), a table of rows (one per measurement), summary lines (ratios, checks), and whether
 * its checks passed. {@link #printTable} is the human form; {@link #printJson} one JSON object per
 * row (keys = the columns' keys) for scripts and dashboards.
 */
public record BenchReport(
    List<String> context,
    List<Column> columns,
    List<Map<String, Object>> rows,
    List<String> summary,
    boolean passed) {

  /** A column: its JSON key, its table header, and how a (non-null) value prints in the table. */
  public record Column(String key, String header, Function<Object, String> cell) {}

  /** A report being built, row by row. */
  public static final class Builder {
    private final List<String> context = new ArrayList<>();
    private final List<Column> columns = new ArrayList<>();
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();
    private boolean passed = true;

    /** A column whose cells print with a {@link String#format} pattern, e.g. {@code "%,.0f"}. */
    public Builder column(String key, String header, String format) {
      return column(key, header, v -> String.format(format, v));
    }

    public Builder column(String key, String header, Function<Object, String> cell) {
      columns.add(new Column(key, header, cell));
      return this;
    }

    public Builder context(String line) {
      context.add(line);
      return this;
    }

    /** A row: values in column order (null = not measured). */
    public Builder row(Object... values) {
      if (values.length != columns.size()) {
        throw new IllegalArgumentException(
            "row of " + values.length + " values for " + columns.size() + " columns");
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < values.length; i++) {
        row.put(columns.get(i).key(), values[i]);
      }
      rows.add(row);
      return this;
    }

    public Builder summary(String line) {
      summary.add(line);
      return this;
    }

    /** Marks a failed check (the command then exits 1). */
    public Builder failed() {
      passed = false;
      return this;
    }

    public BenchReport build() {
      return new BenchReport(
          List.copyOf(context),
          List.copyOf(columns),
          List.copyOf(rows),
          List.copyOf(summary),
          passed);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Context, the table (columns right-aligned but the first), summary. */
  public void printTable(PrintWriter out) {
    context.forEach(out::println);
    List<String[]> cells = new ArrayList<>();
    String[] header = new String[columns.size()];
    int[] width = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      header[c] = columns.get(c).header();
      width[c] = header[c].length();
    }
    for (Map<String, Object> row : rows) {
      String[] line = new String[columns.size()];
      for (int c = 0; c < columns.size(); c++) {
        Column col = columns.get(c);
        Object v = row.get(col.key());
        line[c] = v == null ? "-" : col.cell().apply(v);
        width[c] = Math.max(width[c], line[c].length());
      }
      cells.add(line);
    }
    printLine(header, width, out);
    cells.forEach(line -> printLine(line, width, out));
    summary.forEach(out::println);
    out.flush();
  }

  private static void printLine(String[] cells, int[] width, PrintWriter out) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      String pad = " ".repeat(width[c] - cells[c].length());
      sb.append(c == 0 ? cells[c] + pad : "  " + pad + cells[c]);
    }
    out.println(sb.toString().stripTrailing());
  }

  /** One JSON object per row; context and summary are for people and stay out. */
  public void printJson(PrintWriter out) {
    ObjectMapper json = new ObjectMapper();
    for (Map<String, Object> row : rows) {
      try {
        out.println(json.writeValueAsString(row));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    out.flush();
  }
}
