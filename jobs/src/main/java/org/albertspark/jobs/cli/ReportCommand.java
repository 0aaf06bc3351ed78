package org.albertspark.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.jobs.train.PretrainingRun;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code albert report RUN_DIR...}: the training curves of one or more pretraining runs as a PNG,
 * and a table of MLM accuracy at equal steps or equal training time, so runs that differ in one
 * lever (model size, rate, data) compare on the same axes.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Render the training curves of `albert pretrain` runs (RUN_DIR/metrics.jsonl) as a PNG:"
          + " loss (total, MLM, SOP), MLM and SOP accuracy, learning rate and tokens/s against step"
          + " or training hours. Several RUN_DIRs are drawn on the same axes, each curve labelled"
          + " [n] for the n-th RUN_DIR, as the printed summary numbers them. Also prints a table of each run's MLM accuracy at 10 evenly spaced"
          + " points of the axis, up to where the shortest run ends.",
    })
public final class ReportCommand implements Callable<Integer> {

  /** The horizontal axis of the curves and the table. */
  enum Axis {
    step,
    hours
  }

  private static final int TABLE_ROWS = 10;

  private static final Color[] KEY_COLOURS = {
    new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c)
  };

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "RUN_DIR",
      description = "Output directories of albert pretrain (several: compared on the same axes).")
  List<Path> runs;

  @Option(
      names = "--output",
      paramLabel = "FILE.png",
      description =
          "Where to write the PNG (default for one RUN_DIR: RUN_DIR/training-curves.png;"
              + " required for several).")
  Path output;

  @Option(
      names = "--x",
      defaultValue = "step",
      paramLabel = "step|hours",
      description =
          "Horizontal axis: step, or hours of training time (the sum of the logged step times,"
              + " so pauses between resumed sessions, checkpoint writing and a crashed session's"
              + " unlogged steps do not count; default: ${DEFAULT-VALUE}).")
  Axis axis;

  @Option(
      names = "--width",
      defaultValue = "1000",
      paramLabel = "PX",
      description = "Image width (default: ${DEFAULT-VALUE}).")
  int width;

  /** One run's metrics records, with each record's step and cumulative training hours. */
  private record Run(String name, List<JsonNode> rows, double[] steps, double[] hours) {

    double[] x(Axis axis) {
      return axis == Axis.step ? steps : hours;
    }

    /** Index of the last record at or before {@code x} on {@code axis}, or -1 if none is. */
    int lastAtOrBefore(Axis axis, double x) {
      double[] xs = x(axis);
      int i = -1;
      while (i + 1 < xs.length && xs[i + 1] <= x + 1e-9) {
        i++;
      }
      return i;
    }
  }

  @Override
  public Integer call() throws IOException {
    if (runs.size() > 1 && output == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), runs.size() + " RUN_DIRs need --output FILE.png");
    }
    List<Run> loaded = new ArrayList<>();
    for (Path dir : runs) {
      loaded.add(read(dir));
    }
    String xLabel = axis == Axis.step ? "step" : "training hours";
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis(xLabel));
    plot.setGap(12);
    plot.add(panel(loaded, "loss", "loss", "mlm_loss", "sop_loss"), 3);
    plot.add(panel(loaded, "accuracy", "mlm_accuracy", "sop_accuracy"), 3);
    plot.add(panel(loaded, "learning rate", "lr"), 2);
    plot.add(panel(loaded, "tokens/s", "tokens_per_s"), 2);
    List<String> titles = new ArrayList<>();
    for (int i = 0; i < loaded.size(); i++) {
      Path name = runs.get(i).toAbsolutePath().normalize().getFileName();
      titles.add((loaded.size() == 1 ? "" : label(i) + " ") + (name == null ? "/" : name));
    }
    String title = "Pretraining: " + String.join(" vs ", titles);
    JFreeChart chart = new JFreeChart(title, plot);
    chart.setBackgroundPaint(Color.WHITE);
    Path png = output != null ? output : runs.get(0).resolve("training-curves.png");
    System.setProperty("java.awt.headless", "true");
    ChartUtils.saveChartAsPNG(png.toFile(), chart, width, width * 6 / 5);
    PrintWriter out = spec.commandLine().getOut();
    for (int i = 0; i < loaded.size(); i++) {
      summarize(out, i, loaded.get(i));
    }
    table(out, loaded);
    out.printf("albert report: wrote %s%n", png);
    return 0;
  }

  /** The metrics records of {@code dir}, skipping (and naming) lines that are not records. */
  private Run read(Path dir) throws IOException {
    Path metrics = dir.resolve(PretrainingRun.METRICS);
    if (!Files.isRegularFile(metrics)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), dir + " has no " + PretrainingRun.METRICS + ": not a pretrain run");
    }
    List<JsonNode> rows = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    int lineNo = 0;
    double lastStep = Double.NEGATIVE_INFINITY;
    for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = json.readTree(line);
        if (!n.path("step").isNumber()) {
          throw new IOException("no step");
        }
        if (n.path("step").asDouble() <= lastStep) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              String.format(
                  "%s line %d: step %d does not follow step %.0f: not one run's log",
                  metrics, lineNo, n.path("step").asLong(), lastStep));
        }
        lastStep = n.path("step").asDouble();
        rows.add(n);
      } catch (IOException e) {
        spec.commandLine()
            .getErr()
            .printf("albert report: %s line %d skipped: not a metrics record%n", metrics, lineNo);
      }
    }
    if (rows.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), metrics + " holds no metrics records yet");
    }
    double[] steps = new double[rows.size()];
    double[] hours = new double[rows.size()];
    double seconds = 0, previousStep = 0;
    int untimed = 0;
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      steps[i] = r.path("step").asDouble();
      // a window's wall time is its mean step time times its steps (fewer after a resume)
      double windowSteps = r.path("steps_in_window").asDouble(steps[i] - previousStep);
      if (r.path("step_s").isNumber()) {
        seconds += r.path("step_s").asDouble() * windowSteps;
      } else {
        untimed++;
      }
      hours[i] = seconds / 3600;
      previousStep = steps[i];
    }
    if (untimed > 0) {
      String problem = metrics + ": " + untimed + " record(s) without step_s";
      if (axis == Axis.hours) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), problem + ": its training hours are unknown");
      }
      spec.commandLine()
          .getErr()
          .printf("albert report: %s: its training hours are counted without them%n", problem);
    }
    return new Run(dir.toString(), rows, steps, hours);
  }

  private static void summarize(PrintWriter out, int run, Run r) {
    JsonNode first = r.rows().get(0), last = r.rows().get(r.rows().size() - 1);
    out.printf(
        "albert report: %s %s: %d records, step %d..%d, %.3g training hours; loss %.4f -> %.4f,"
            + " MLM acc %.3f -> %.3f, SOP acc %.3f -> %.3f%n",
        label(run),
        r.name(),
        r.rows().size(),
        first.path("step").asLong(),
        last.path("step").asLong(),
        r.hours()[r.hours().length - 1],
        first.path("loss").asDouble(),
        last.path("loss").asDouble(),
        first.path("mlm_accuracy").asDouble(),
        last.path("mlm_accuracy").asDouble(),
        first.path("sop_accuracy").asDouble(),
        last.path("sop_accuracy").asDouble());
  }

  /**
   * MLM accuracy of every run at {@link #TABLE_ROWS} evenly spaced points of the axis up to the
   * shortest run's end; each cell is the run's last record at or before the point ("-" if none),
   * with that record's own step and training hours.
   */
  private void table(PrintWriter out, List<Run> loaded) {
    double end = Double.MAX_VALUE;
    for (Run r : loaded) {
      double[] xs = r.x(axis);
      end = Math.min(end, xs[xs.length - 1]);
    }
    StringBuilder header = new StringBuilder(String.format("%12s", axis));
    for (int i = 0; i < loaded.size(); i++) {
      header.append(String.format("  %-26s", label(i) + " MLM acc (step, hours)"));
    }
    out.println("MLM accuracy at equal " + axis + ":");
    out.println(header.toString().stripTrailing());
    for (int k = 1; k <= TABLE_ROWS; k++) {
      double x = end * k / TABLE_ROWS;
      StringBuilder row = new StringBuilder(String.format("%12s", format(axis, x)));
      for (Run r : loaded) {
        int i = r.lastAtOrBefore(axis, x);
        String cell =
            i < 0
                ? "-"
                : String.format(
                    "%.3f (%s, %s)",
                    r.rows().get(i).path("mlm_accuracy").asDouble(),
                    format(Axis.step, r.steps()[i]),
                    format(Axis.hours, r.hours()[i]));
        row.append(String.format("  %-26s", cell));
      }
      out.println(row.toString().stripTrailing());
    }
  }

  /** "[1]", "[2]", ...: how the summary, the table and the legend name the runs. */
  private static String label(int run) {
    return "[" + (run + 1) + "]";
  }

  /** Run 0 solid, then dashed, then dotted, ... */
  private static BasicStroke stroke(int run) {
    if (run == 0) {
      return new BasicStroke(1.6f);
    }
    float dash = 9f / run;
    return new BasicStroke(
        1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {dash, 4f}, 0f);
  }

  private static String format(Axis a, double x) {
    return a == Axis.step ? String.format("%.0f", x) : String.format("%.3g h", x);
  }

  /**
   * One panel: the {@code keys} of every run's records against the axis (records lacking a key skip
   * it); with several runs each curve is named "[n] key", n numbering the runs as the summary does.
   */
  private XYPlot panel(List<Run> loaded, String label, String... keys) {
    XYSeriesCollection data = new XYSeriesCollection();
    int points = 0;
    for (int run = 0; run < loaded.size(); run++) {
      Run r = loaded.get(run);
      double[] xs = r.x(axis);
      for (String k : keys) {
        XYSeries s = new XYSeries(loaded.size() == 1 ? k : label(run) + " " + k, false, true);
        for (int i = 0; i < xs.length; i++) {
          JsonNode v = r.rows().get(i).path(k);
          if (v.isNumber() && Double.isFinite(v.asDouble())) {
            s.add(xs[i], v.asDouble());
          }
        }
        data.addSeries(s);
      }
      points = Math.max(points, xs.length);
    }
    NumberAxis y = new NumberAxis(label);
    y.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, points <= 50);
    // a key keeps its colour across runs; runs differ by dash pattern
    for (int run = 0; run < loaded.size(); run++) {
      for (int k = 0; k < keys.length; k++) {
        int series = run * keys.length + k;
        line.setSeriesPaint(series, KEY_COLOURS[k % KEY_COLOURS.length]);
        line.setSeriesStroke(series, stroke(run));
      }
    }
    XYPlot p = new XYPlot(data, null, y, line);
    p.setBackgroundPaint(Color.WHITE);
    p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return p;
  }
}
