package org.albertspark.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every job preset in conf/jobs parses as an argument file of its command, with no flag unknown.
 */
class JobPresetsTest {

  static final Path PRESETS = Path.of("..", "conf", "jobs");

  @Test
  void prepPresetParses() {
    CommandLine.ParseResult parsed =
        parse("prep", "--input", "in.txt", "--spm-model", "m.model", "--output", "out");
    assertEquals(
        "512", parsed.subcommand().matchedOption("--max-seq-length").stringValues().get(0));
  }

  @Test
  void pretrainPresetParses() {
    Assumptions.assumeTrue(
        AlbertCli.newCommandLine().getSubcommands().containsKey("pretrain"),
        "albert pretrain is not in this build yet: conf/jobs/pretrain-base.args not checked");
    CommandLine.ParseResult parsed = parse("pretrain", "--data", "prep", "--output", "run");
    assertEquals("lamb", parsed.subcommand().matchedOption("--optimizer").stringValues().get(0));
  }

  static CommandLine.ParseResult parse(String command, String... required) {
    List<String> args =
        new ArrayList<>(List.of(command, "@" + PRESETS.resolve(command + "-base.args")));
    args.addAll(List.of(required));
    return AlbertCli.newCommandLine().parseArgs(args.toArray(String[]::new));
  }
}
