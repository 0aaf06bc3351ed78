package org.albertspark.jobs.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.albertspark.provenance.Provenance;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@link Provenance} of what a command writes, started from the command line as it ran: every
 * command that writes an artifact begins its record with one line,
 *
 * <pre>{@code
 * Provenance.Builder p = CommandProvenance.of(spec);   // spec: the command's @Spec
 * }</pre>
 *
 * which sets the tool (the qualified command name, e.g. {@code albert pretrain}), the command (the
 * arguments exactly as given, {@code ParseResult.originalArgs()}, so the run can be repeated) and
 * the flags: every option's value in force, given or defaulted, under its long name in snake_case
 * ({@code --max-seq-length} → {@code max_seq_length}; paths as given). The command then adds its
 * inputs ({@link Provenance.Builder#inputFile} hashes a local file) and builds it, or hands the
 * builder to a job that does: {@code PrepJob} and {@code VocabTrainingJob} replace the flags with
 * their resolved settings under the same names.
 */
final class CommandProvenance {

  private CommandProvenance() {}

  static Provenance.Builder of(CommandSpec spec) {
    Map<String, Object> flags = new LinkedHashMap<>();
    for (OptionSpec o : spec.options()) {
      if (!o.usageHelp() && !o.versionHelp()) {
        flags.put(o.longestName().replaceFirst("^-+", "").replace('-', '_'), plain(o.getValue()));
      }
    }
    return Provenance.builder(spec.qualifiedName())
        .command(spec.commandLine().getParseResult().originalArgs())
        .flags(flags);
  }

  /**
   * A value as JSON should show it: numbers, booleans and strings as they are, the rest as text.
   */
  private static Object plain(Object v) {
    if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    if (v instanceof Collection<?> c) {
      return c.stream().map(CommandProvenance::plain).toList();
    }
    if (v instanceof Enum<?> e) {
      return e.name();
    }
    return v.toString();
  }
}
