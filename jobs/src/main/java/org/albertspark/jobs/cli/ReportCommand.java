package org.albertspark.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
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

/** {@code albert report RUN_DIR}: the training curves of a pretraining run as a PNG. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Render the training curves of an `albert pretrain` run (RUN_DIR/metrics.jsonl) as a PNG:"
          + " loss (total, MLM, SOP), MLM and SOP accuracy, learning rate and tokens/s against step.",
    })
public final class ReportCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN_DIR", description = "Output directory of albert pretrain.")
  Path run;

  @Option(
      names = "--output",
      paramLabel = "FILE.png",
      description = "Where to write the PNG (default: RUN_DIR/training-curves.png).")
  Path output;

  @Option(
      names = "--width",
      defaultValue = "1000",
      paramLabel = "PX",
      description = "Image width (default: ${DEFAULT-VALUE}).")
  int width;

  @Override
  public Integer call() throws IOException {
    Path metrics = run.resolve(PretrainingRun.METRICS);
    if (!Files.isRegularFile(metrics)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), run + " has no " + PretrainingRun.METRICS + ": not a pretrain run");
    }
    List<JsonNode> rows = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    int lineNo = 0;
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
    NumberAxis stepAxis = new NumberAxis("step");
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(stepAxis);
    plot.setGap(12);
    plot.add(panel(rows, "loss", "loss", "mlm_loss", "sop_loss"), 3);
    plot.add(panel(rows, "accuracy", "mlm_accuracy", "sop_accuracy"), 3);
    plot.add(panel(rows, "learning rate", "lr"), 2);
    plot.add(panel(rows, "tokens/s", "tokens_per_s"), 2);
    JFreeChart chart = new JFreeChart("Pretraining: " + run.toAbsolutePath().getFileName(), plot);
    chart.setBackgroundPaint(Color.WHITE);
    Path png = output != null ? output : run.resolve("training-curves.png");
    System.setProperty("java.awt.headless", "true");
    ChartUtils.saveChartAsPNG(png.toFile(), chart, width, width * 6 / 5);
    JsonNode first = rows.get(0), last = rows.get(rows.size() - 1);
    spec.commandLine()
        .getOut()
        .printf(
            "albert report: %d records, step %d..%d; loss %.4f -> %.4f, MLM acc %.3f -> %.3f,"
                + " SOP acc %.3f -> %.3f; wrote %s%n",
            rows.size(),
            first.path("step").asLong(),
            last.path("step").asLong(),
            first.path("loss").asDouble(),
            last.path("loss").asDouble(),
            first.path("mlm_accuracy").asDouble(),
            last.path("mlm_accuracy").asDouble(),
            first.path("sop_accuracy").asDouble(),
            last.path("sop_accuracy").asDouble(),
            png);
    return 0;
  }

  /** One panel: the {@code keys} of every record against step (records lacking a key skip it). */
  private static XYPlot panel(List<JsonNode> rows, String label, String... keys) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String k : keys) {
      XYSeries s = new XYSeries(k, false, true);
      for (JsonNode r : rows) {
        JsonNode v = r.path(k);
        if (v.isNumber() && Double.isFinite(v.asDouble())) {
          s.add(r.path("step").asDouble(), v.asDouble());
        }
      }
      data.addSeries(s);
    }
    NumberAxis y = new NumberAxis(label);
    y.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, rows.size() <= 50);
    for (int i = 0; i < keys.length; i++) {
      line.setSeriesStroke(i, new BasicStroke(1.6f));
    }
    XYPlot p = new XYPlot(data, null, y, line);
    p.setBackgroundPaint(Color.WHITE);
    p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return p;
  }
}
