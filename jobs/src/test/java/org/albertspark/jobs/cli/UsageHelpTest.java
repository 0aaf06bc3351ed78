package org.albertspark.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} renders cleanly: picocli formats each description as a format
 * string, and a lone '%' (say "2.5% of --steps") makes it log a warning and print the raw text.
 */
class UsageHelpTest {

  @Test
  void noCommandsUsageHelpLogsAPicocliWarning() {
    List<CommandLine> commands = new ArrayList<>();
    collect(AlbertCli.newCommandLine(), commands);
    assertTrue(commands.size() > 10, "commands found: " + commands.size());

    // picocli's tracer warns on the System.err of the moment (it reads it on each use)
    PrintStream saved = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    List<String> broken = new ArrayList<>();
    try {
      System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
      for (CommandLine c : commands) {
        int before = warnings.size();
        String usage = c.getUsageMessage();
        assertFalse(usage.isBlank(), c.getCommandSpec().qualifiedName());
        if (warnings.size() != before) {
          broken.add(c.getCommandSpec().qualifiedName());
        }
      }
    } finally {
      System.setErr(saved);
    }
    assertEquals(List.of(), broken, warnings.toString(StandardCharsets.UTF_8));
  }

  @Test
  void pretrainsWarmupHelpShowsThePercentage() {
    CliRun r = CliRun.run("pretrain", "--help");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("2.5% of --steps"), r.out());
  }

  @Test
  void benchScoreTakesTheSharedSeedOptionKeepingItsDefault() {
    CommandLine root = AlbertCli.newCommandLine();
    BenchScoreCommand command =
        root.getSubcommands().get("bench").getSubcommands().get("score").getCommand();
    root.parseArgs("bench", "score");
    assertEquals(12345, command.seedOption.seed);
    root.parseArgs("bench", "score", "--seed", "7");
    assertEquals(7, command.seedOption.seed);
    CliRun help = CliRun.run("bench", "score", "--help");
    assertTrue(
        help.out().contains("--seed=N") && help.out().contains("(default: 12345)"), help.out());
  }

  private static void collect(CommandLine c, List<CommandLine> into) {
    into.add(c);
    c.getSubcommands().values().stream().distinct().forEach(s -> collect(s, into));
  }
}
