package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code albert tokenize} against spm_encode's fixture output, and {@code albert bench tokenizer}
 * smoke test.
 */
class TokenizeCommandTest {

  private static Path fixtures() {
    String shared = System.getProperty("albert.shared.dir");
    assumeTrue(
        shared != null && !shared.isBlank(),
        "albert.shared.dir not set: skipping fixture-based CLI tests");
    Path d = Path.of(shared, "fixtures", "tokenizer");
    assumeTrue(Files.isDirectory(d), d + " absent: skipping fixture-based CLI tests");
    return d;
  }

  @ParameterizedTest(name = "{0} {1} --format {2}")
  @CsvSource({
    "albert-30k, heldout, id", "albert-30k, heldout, piece",
    "albert-30k, heldout_preprocessed, id", "albert-30k, heldout_preprocessed, piece",
    "unigram-2000, heldout, id", "unigram-2000, heldout, piece",
    "unigram-2000, heldout_preprocessed, id", "unigram-2000, heldout_preprocessed, piece",
  })
  void identicalToSpmEncodeOutputFiles(String model, String input, String format, @TempDir Path tmp)
      throws Exception {
    Path d = fixtures();
    Path out = tmp.resolve("out.txt");
    CliRun r =
        run(
            "tokenize",
            "--spm-model",
            d.resolve(model + ".model").toString(),
            "--format",
            format,
            "--input",
            d.resolve(input + ".txt").toString(),
            "--output",
            out.toString());
    assertEquals(0, r.exit(), r.err());
    String ext = format.equals("id") ? "ids" : "pieces";
    byte[] expected = Files.readAllBytes(d.resolve(model + "." + input + "." + ext + ".txt"));
    byte[] got = Files.readAllBytes(out);
    if (!java.util.Arrays.equals(expected, got)) {
      List<String> e = Files.readAllLines(d.resolve(model + "." + input + "." + ext + ".txt"));
      List<String> g = Files.readAllLines(out);
      for (int i = 0; i < Math.min(e.size(), g.size()); i++) {
        assertEquals(e.get(i), g.get(i), "line " + i);
      }
      assertEquals(e.size(), g.size(), "line count");
    }
    assertArrayEquals(expected, got);
  }

  @ParameterizedTest(name = "{0} --albert")
  @CsvSource({"albert-30k", "unigram-2000"})
  void albertModeMatchesHuggingFaceTokenize(String model, @TempDir Path tmp) throws Exception {
    Path d = fixtures();
    List<JsonNode> cases = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String l : Files.readAllLines(d.resolve(model + ".albert_tokenizer.jsonl"))) {
      if (!l.isBlank()) {
        cases.add(json.readTree(l));
      }
    }
    for (String format : new String[] {"piece", "id"}) {
      Path out = tmp.resolve("out-" + format + ".txt");
      CliRun r =
          run(
              "tokenize",
              "--spm-model",
              d.resolve(model + ".model").toString(),
              "--albert",
              "--format",
              format,
              "--input",
              d.resolve("heldout.txt").toString(),
              "--output",
              out.toString());
      assertEquals(0, r.exit(), r.err());
      String text = Files.readString(out, StandardCharsets.UTF_8);
      String[] lines = text.split("\n", -1);
      assertEquals(cases.size() + 1, lines.length); // trailing '\n'
      for (int i = 0; i < cases.size(); i++) {
        List<String> exp = new ArrayList<>();
        cases.get(i).get(format.equals("id") ? "ids" : "tokens").forEach(n -> exp.add(n.asText()));
        assertEquals(String.join(" ", exp), lines[i], "line " + i);
      }
    }
  }

  @Test
  void stdinToStdoutSplitsOnNewlineOnly() throws Exception {
    Path d = fixtures();
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      // "a\rb" stays one line; a last line without '\n' is still encoded; invalid UTF-8 as
      // spm_encode.
      System.setIn(
          new ByteArrayInputStream(
              new byte[] {
                'H', 'e', 'l', 'l', 'o', '\n', '\n', 'a', '\r', 'b', '\n', 'x', (byte) 0xFF, 'y'
              }));
      System.setOut(new PrintStream(buf, true));
      CliRun r =
          run(
              "tokenize",
              "--spm-model",
              d.resolve("albert-30k.model").toString(),
              "--format",
              "id");
      assertEquals(0, r.exit(), r.err());
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
    }
    // Expected values from spm_encode 0.1.97 on the same bytes.
    assertEquals("13 1 7523\n\n21 334\n993 1 93\n", buf.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpIsTruthfulAndErrorsAreClear(@TempDir Path tmp) throws Exception {
    CliRun h = run("tokenize", "--help");
    assertEquals(0, h.exit());
    for (String opt : new String[] {"--spm-model", "--albert", "--format", "--input", "--output"}) {
      assertTrue(h.out().contains(opt), opt + " missing from help:\n" + h.out());
    }
    assertTrue(h.out().contains("standard input") && h.out().contains("standard output"));
    CliRun top = run("--help");
    assertTrue(top.out().contains("tokenize") && top.out().contains("bench"), top.out());
    CliRun bh = run("bench", "tokenizer", "--help");
    assertEquals(0, bh.exit());
    assertTrue(bh.out().contains("spm_encode") && bh.out().contains("--input"), bh.out());

    CliRun missing = run("tokenize", "--format", "id");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("--spm-model"), missing.err());

    Path bad = tmp.resolve("bad.model");
    Files.writeString(bad, "not a model");
    CliRun corrupt = run("tokenize", "--spm-model", bad.toString(), "--input", bad.toString());
    assertEquals(2, corrupt.exit()); // an invalid input file is bad input (AlbertCli's exit rule)
    assertTrue(corrupt.err().contains("not a valid SentencePiece model"), corrupt.err());

    CliRun badFormat = run("tokenize", "--spm-model", bad.toString(), "--format", "json");
    assertEquals(2, badFormat.exit());
  }

  /** The benchmark runs end to end on a small input (not a timed test: no speed assertion). */
  @Test
  void benchTokenizerRuns() throws Exception {
    Path d = fixtures();
    CliRun r =
        run(
            "bench",
            "tokenizer",
            "--spm-model",
            d.resolve("unigram-2000.model").toString(),
            "--input",
            d.resolve("heldout.txt").toString(),
            "--repeat",
            "1");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("\nours "), r.out()); // the "ours" row of the table
    assertTrue(
        r.out().contains("identical ids: 1,000 / 1,000")
            || r.out().contains("spm_encode: NOT AVAILABLE"),
        r.out());
    CliRun none =
        run(
            "bench",
            "tokenizer",
            "--spm-model",
            "/nonexistent/x.model",
            "--input",
            "/nonexistent/y.txt");
    assertEquals(2, none.exit());
    assertTrue(none.err().contains("not found"), none.err());
  }
}
