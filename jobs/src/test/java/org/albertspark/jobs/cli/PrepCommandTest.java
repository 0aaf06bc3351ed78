package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code albert prep}: help, flag validation, and one small local run. */
class PrepCommandTest {
  @TempDir Path tmp;

  @Test
  void helpNamesEveryFlagWithDefaults() {
    CliRun r = run("prep", "--help");
    assertEquals(0, r.exit());
    for (String flag :
        new String[] {
          "--input",
          "--format",
          "--spm-model",
          "--output",
          "--max-seq-length",
          "--dupe-factor",
          "--seed",
          "--partitions",
          "--master",
          "--short-seq-prob",
          "--masked-lm-prob",
          "--max-predictions-per-seq",
          "--ngram",
          "--dynamic-masking",
          "--random-next-sentence"
        }) {
      assertTrue(r.out().contains(flag), flag + " missing from help:\n" + r.out());
    }
    assertTrue(r.out().contains("default: 512"));
    assertTrue(r.out().contains("local[*]"));
  }

  @Test
  void badFlagsAreUsageErrors() {
    CliRun r =
        run("prep", "--input", "x", "--spm-model", "m", "--output", "o", "--masked-lm-prob", "1.5");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("masked-lm-prob"), r.err());
    r = run("prep", "--input", "x", "--spm-model", "m", "--output", "o", "--format", "csv");
    assertEquals(2, r.exit());
  }

  @Test
  void smallRunThenMissingInput() throws Exception {
    String shared = System.getProperty("albert.shared.dir");
    assumeTrue(
        shared != null && Files.isDirectory(Path.of(shared, "fixtures/tokenizer")),
        "shared fixtures absent");
    Path model = Path.of(shared, "fixtures/tokenizer/unigram-2000.model");
    Path in = tmp.resolve("docs.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append("{\"body\": \"Document ")
          .append(i)
          .append(" starts here. It has a second sentence. ")
          .append("And a third one, which is longer than the others by a few words.\"}\n");
    }
    sb.append("{\"body\": \"Only one sentence.\"}\n");
    Files.writeString(in, sb);
    Path out = tmp.resolve("out");
    CliRun r =
        run(
            "prep",
            "--input",
            in.toString(),
            "--format",
            "jsonl",
            "--text-field",
            "body",
            "--spm-model",
            model.toString(),
            "--output",
            out.toString(),
            "--max-seq-length",
            "64",
            "--dupe-factor",
            "2",
            "--master",
            "local[2]",
            "--quiet");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("documents in 41, used 40, skipped 1"), r.out());
    JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals(1, m.path("documents").path("skipped").path("one_sentence").asLong());
    assertEquals("body", m.path("flags").path("text_field").asText());
    assertEquals(64, m.path("flags").path("max_seq_length").asInt());

    CliRun missing =
        run(
            "prep",
            "--input",
            tmp.resolve("nope").toString(),
            "--spm-model",
            model.toString(),
            "--output",
            tmp.resolve("out2").toString(),
            "--master",
            "local[1]");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("does not exist"), missing.err());
    assertFalse(Files.exists(tmp.resolve("out2")));
  }
}
