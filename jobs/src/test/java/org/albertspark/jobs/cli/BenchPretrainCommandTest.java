package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.albertspark.jobs.train.TinyPretrainingData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code albert bench pretrain} on a tiny shape: the in-process reference and the engine with 1 and
 * 2 workers take turns, and every row carries medians and its ratio to the in-process step.
 */
class BenchPretrainCommandTest {

  @TempDir Path tmp;

  @Test
  void interleavedRoundsGiveOneRowPerModeWithItsRatioToTheInProcessStep() throws Exception {
    Path config = tmp.resolve("config.json");
    Files.writeString(config, TinyPretrainingData.config(0).toJson());
    String[] shape = {
      "bench",
      "pretrain",
      "--config",
      config.toString(),
      "--global-batch",
      "4",
      "--micro-batch",
      "2",
      "--seq",
      "16",
      "--workers",
      "1,2",
      "--steps",
      "3",
      "--master",
      "local[2]",
      "--set",
      "num_hidden_layers=1"
    };
    CliRun table = run(shape);
    assertEquals(0, table.exit(), table.err());
    List<String> lines = table.out().strip().lines().toList();
    assertTrue(lines.get(0).contains("medians of 3 interleaved rounds"), table.out());
    assertTrue(lines.get(0).contains("with {num_hidden_layers=1}"), table.out());
    // BenchReport's table: the context line, the header, one row per mode
    assertEquals(
        List.of(
            "mode",
            "workers",
            "step s",
            "compute s",
            "exchange s",
            "update s",
            "overhead",
            "MB moved/step",
            "step / in-process"),
        List.of(lines.get(1).strip().split("\\s{2,}")),
        table.out());
    assertEquals(5, lines.size(), table.out());
    List<String> inProcess = List.of(lines.get(2).strip().split("\\s+"));
    assertEquals(List.of("in-process", "1"), inProcess.subList(0, 2), table.out());
    assertTrue(inProcess.get(6).endsWith("%"), table.out());
    assertEquals("1.000", inProcess.get(8), table.out());
    assertEquals(List.of("spark", "1"), List.of(lines.get(3).strip().split("\\s+")).subList(0, 2));
    assertEquals(List.of("spark", "2"), List.of(lines.get(4).strip().split("\\s+")).subList(0, 2));
    // progress: every mode's step of every round, warm-up first, in turn
    assertTrue(table.err().contains("round 1 (warm-up), in-process 1 worker(s)"), table.err());
    assertTrue(table.err().indexOf("round 4, spark 2") > table.err().indexOf("round 4, spark 1"));

    String[] json = new String[shape.length + 1];
    System.arraycopy(shape, 0, json, 0, shape.length);
    json[shape.length] = "--json";
    CliRun rows = run(json);
    assertEquals(0, rows.exit(), rows.err());
    List<String> jsonLines = rows.out().strip().lines().toList();
    assertEquals(3, jsonLines.size(), rows.out());
    ObjectMapper om = new ObjectMapper();
    for (String line : jsonLines) {
      JsonNode r = om.readTree(line);
      double ratio = r.get("vsInProcess").asDouble();
      assertTrue(ratio > 0 && Double.isFinite(ratio), line);
      assertTrue(r.get("stepSeconds").asDouble() >= r.get("computeSeconds").asDouble(), line);
    }
    JsonNode spark2 = om.readTree(jsonLines.get(2));
    assertEquals(2, spark2.get("workers").asInt());
    assertTrue(spark2.get("bytesPerStep").asLong() > 0, spark2.toString());
  }
}
