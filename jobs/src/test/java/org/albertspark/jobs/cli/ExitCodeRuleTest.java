package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** One exit-code rule for every command, told by every --help; the shared mixins. */
class ExitCodeRuleTest {

  /** Every command and subcommand, as the paths one types. */
  private static List<String[]> allCommands() {
    List<String[]> out = new ArrayList<>();
    collect(AlbertCli.newCommandLine(), new ArrayList<>(), out);
    return out;
  }

  private static void collect(CommandLine cmd, List<String> path, List<String[]> out) {
    out.add(path.toArray(String[]::new));
    for (var e : cmd.getSubcommands().entrySet()) {
      if (!e.getKey().equals("help")) {
        List<String> p = new ArrayList<>(path);
        p.add(e.getKey());
        collect(e.getValue(), p, out);
      }
    }
  }

  @Test
  void everyHelpStatesTheRule() {
    for (String[] cmd : allCommands()) {
      String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      args[cmd.length] = "--help";
      CliRun h = run(args);
      String name = String.join(" ", cmd);
      assertEquals(0, h.exit(), name);
      assertTrue(h.out().contains("Exit codes:"), name + ":\n" + h.out());
      assertTrue(h.out().contains("2   usage or bad input"), name + ":\n" + h.out());
      assertTrue(h.out().contains("1   failure while running"), name + ":\n" + h.out());
    }
  }

  @Test
  void badFlagsAndBadInputExit2RunTimeFailuresExit1(@TempDir Path tmp) throws Exception {
    assertEquals(2, run("tokenize", "--no-such-flag").exit());
    CliRun missing =
        run("tokenize", "--spm-model", tmp.resolve("none.model").toString(), "--input", "x");
    assertEquals(2, missing.exit(), missing.err());
    assertTrue(missing.err().contains("none.model"), missing.err());

    // Writing into a directory fails while running (the input was fine): exit 1.
    Path model = Path.of("../examples/tiny-albert/spiece.model");
    Path in = tmp.resolve("in.txt");
    Files.writeString(in, "hello\n");
    Path dir = Files.createDirectory(tmp.resolve("dir"));
    CliRun failed =
        run(
            "tokenize",
            "--spm-model",
            model.toString(),
            "--input",
            in.toString(),
            "--output",
            dir.toString());
    assertEquals(1, failed.exit(), failed.err());
    assertTrue(failed.err().startsWith("albert tokenize: error: "), failed.err());
  }

  @Test
  void benchVocabAndPrepCheckTheirFlagsBeforeAnyWork() {
    CliRun corpus = run("bench", "vocab", "--corpus", "wikipedia");
    assertEquals(2, corpus.exit(), corpus.err());
    assertTrue(corpus.err().contains("gutenberg"), corpus.err()); // names the valid values
    CliRun scales = run("bench", "prep", "--scales", "1,0");
    assertEquals(2, scales.exit(), scales.err());
    assertTrue(scales.err().contains("--scales"), scales.err());
    CliRun docs = run("bench", "score", "--docs", "0");
    assertEquals(2, docs.exit(), docs.err());
    assertTrue(docs.err().startsWith("albert bench score: error: "), docs.err()); // its full name
  }

  @Test
  void classifiesExceptions() {
    assertTrue(AlbertCli.isBadInput(new UsageException("x")));
    assertTrue(AlbertCli.isBadInput(new IllegalArgumentException("x")));
    assertTrue(AlbertCli.isBadInput(new java.nio.file.NoSuchFileException("x")));
    assertFalse(AlbertCli.isBadInput(new java.io.IOException("disk full")));
    assertFalse(AlbertCli.isBadInput(new IllegalStateException("x")));
  }

  @Test
  void initKeepsItsOwnSeedDefault() {
    assertTrue(run("init", "--help").out().contains("(default: 42)"));
    assertTrue(run("prep", "--help").out().contains("(default: " + SeedOption.DEFAULT + ")"));
  }

  @Command(name = "demo")
  static final class Demo implements Runnable {
    @Mixin Progress progress;

    @Override
    public void run() {
      progress.accept("step one");
      progress.accept("WARNING: kept with --quiet");
      try (Progress.Bar bar = progress.bar("items", 20)) {
        for (int i = 0; i < 20; i++) {
          bar.step();
        }
      }
    }
  }

  private static String demo(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Demo());
    cli.setErr(new PrintWriter(err));
    assertEquals(0, cli.execute(args));
    return err.toString();
  }

  @Test
  void progressIsPlainLinesOffATerminalAndQuietKeepsWarnings() {
    String err = demo();
    assertTrue(err.matches("(?s)\\[demo \\d\\d:\\d\\d:\\d\\d\\] step one\n.*"), err);
    assertTrue(err.contains("] items: 2 / 20\n") && err.contains("] items: 20 / 20\n"), err);
    assertEquals(2 + 10, err.lines().count(), err); // two messages, a line per tenth
    String quiet = demo("--quiet");
    assertEquals(1, quiet.lines().count(), quiet);
    assertTrue(quiet.contains("WARNING: kept with --quiet"), quiet);
  }
}
