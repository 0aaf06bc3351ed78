package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.albertspark.model.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code albert init}, {@code albert forward} and {@code albert bench model} end to end. */
class ModelCommandsTest {

  /** The bundled example (the module runs its tests from jobs/). */
  private static final Path EXAMPLES = Path.of("..", "examples");

  @Test
  void initThenForwardOnText(@TempDir Path tmp) throws Exception {
    Path model = tmp.resolve("model");
    CliRun init =
        run(
            "init",
            "--config",
            EXAMPLES.resolve("tiny-albert.json").toString(),
            "--spm-model",
            EXAMPLES.resolve("tiny-albert/spiece.model").toString(),
            "--output",
            model.toString());
    assertEquals(0, init.exit(), init.err());
    assertTrue(init.out().contains("AlbertForPreTraining"), init.out());
    for (String f :
        List.of("config.json", "model.safetensors", "spiece.model", "albert_provenance.json")) {
      assertTrue(Files.isRegularFile(model.resolve(f)), f);
    }
    CliRun again =
        run(
            "init",
            "--config",
            EXAMPLES.resolve("tiny-albert.json").toString(),
            "--output",
            model.toString());
    assertEquals(2, again.exit()); // an output in the way is bad input (AlbertCli's exit rule)
    assertTrue(again.err().contains("already holds a model"), again.err());

    Path out = tmp.resolve("out.safetensors");
    CliRun fwd =
        run(
            "forward",
            "--model",
            model.toString(),
            "--text",
            "Emma was handsome.",
            "A longer second sentence, clever and rich.",
            "--output",
            out.toString());
    assertEquals(0, fwd.exit(), fwd.err());
    try (SafeTensorsFile f = SafeTensorsFile.open(out)) {
      long[] logits = f.info("prediction_logits").shape();
      assertEquals(2, logits[0]);
      assertEquals(1000, logits[2]);
      assertEquals(
          List.of(2L, 64L),
          List.of(f.info("pooler_output").shape()[0], f.info("pooler_output").shape()[1]));
      for (int k = 0; k <= 4; k++) {
        assertTrue(f.contains("hidden_states." + k));
      }
      assertTrue(!f.contains("loss"), "no labels, no loss");
    }
  }

  @Test
  void forwardReproducesAFixtureLossAndWritesGradients(@TempDir Path tmp) throws Exception {
    String shared = System.getProperty("albert.shared.dir");
    assumeTrue(
        shared != null && Files.isDirectory(Path.of(shared, "fixtures", "model", "tiny")),
        "fixtures absent: skipping");
    Path dir = Path.of(shared, "fixtures", "model", "tiny");
    Path out = tmp.resolve("out.safetensors");
    Path grads = tmp.resolve("grads.safetensors");
    CliRun r =
        run(
            "forward",
            "--model",
            dir.toString(),
            "--inputs",
            dir.resolve("inputs.safetensors").toString(),
            "--output",
            out.toString(),
            "--grads",
            grads.toString());
    assertEquals(0, r.exit(), r.err());
    try (SafeTensorsFile ours = SafeTensorsFile.open(out);
        SafeTensorsFile ref = SafeTensorsFile.open(dir.resolve("expected.safetensors"));
        SafeTensorsFile g = SafeTensorsFile.open(grads);
        SafeTensorsFile refGrads = SafeTensorsFile.open(dir.resolve("grads.safetensors"))) {
      assertEquals(ref.names(), ours.names());
      assertEquals(ref.floats("loss")[0], ours.floats("loss")[0], 1e-5 * ref.floats("loss")[0]);
      assertEquals(refGrads.names(), g.names());
      assertArrayEquals(
          refGrads.info("albert.pooler.weight").shape(), g.info("albert.pooler.weight").shape());
    }
  }

  @Test
  void forwardNamesAMissingModel(@TempDir Path tmp) {
    CliRun r =
        run(
            "forward",
            "--model",
            tmp.resolve("nope").toString(),
            "--text",
            "x",
            "--output",
            tmp.resolve("o").toString());
    assertEquals(2, r.exit()); // a missing input is bad input (AlbertCli's exit rule)
    assertTrue(r.err().contains("error:") && r.err().contains("config.json"), r.err());
  }

  @Test
  void benchModelJsonLinesCarryTheDocumentedKeys() throws Exception {
    CliRun r =
        run(
            "bench",
            "model",
            "--config",
            EXAMPLES.resolve("tiny-albert.json").toString(),
            "--seq",
            "16",
            "--inference-batch",
            "2",
            "--train-batch",
            "2",
            "--iterations",
            "1",
            "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(3, lines.size(), r.out());
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      for (String key :
          List.of(
              "name",
              "batch",
              "seq",
              "seq_per_s",
              "tokens_per_s",
              "model_gflops",
              "gemm_gflops",
              "mfu")) {
        assertTrue(n.has(key), key + " missing in " + line);
      }
    }
    assertEquals("train_step", json.readTree(lines.get(2)).get("name").asText());
    assertTrue(r.err().contains("breakdown"), r.err());
  }
}
