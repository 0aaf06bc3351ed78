package org.albertspark.jobs.cli;

import java.util.List;
import java.util.function.Consumer;
import org.albertspark.jobs.classify.LabelledData;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --train PATH} of {@code albert finetune} and {@code albert baseline}, and how both get
 * their held-out rows: a second table, or a fraction of {@code --train} split off by a seeded hash
 * of each row (so the two commands hold out the same rows for the same fraction and seed). The
 * held-out flags are each command's own ({@code --validation}/{@code --validation-fraction}, {@code
 * --test}/{@code --test-fraction}); checking, reading and splitting are here. Used with
 * {@code @Mixin}, beside {@link LabelledDataOptions}.
 */
public final class TrainingDataOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--train",
      required = true,
      paramLabel = "PATH",
      description = "Labelled training data (file, directory or glob on any Hadoop file system).")
  String train;

  /** The rows trained on and the rows held out (null when neither a table nor a fraction). */
  record Parts(LabelledData train, LabelledData heldOut) {}

  /**
   * Usage errors before Spark starts: a {@code fraction} (given as {@code fractionFlag}) outside
   * (0, 1), a table whose format neither --format nor its name says.
   */
  void check(LabelledDataOptions table, String heldOutPath, Double fraction, String fractionFlag) {
    if (fraction != null && !(fraction > 0 && fraction < 1)) {
      throw new ParameterException(
          mixee.commandLine(), fractionFlag + " must be in (0, 1), not " + fraction);
    }
    table.formatOf(train);
    if (heldOutPath != null) {
      table.formatOf(heldOutPath);
    }
  }

  /**
   * Reads --train, then the held-out rows from {@code heldOutPath}, or else the {@code fraction} of
   * --train that a hash of each row and {@code seed} picks (see {@link LabelledData#split}); each
   * part's summary goes to {@code progress}.
   */
  Parts read(
      SparkSession spark,
      LabelledDataOptions table,
      String heldOutPath,
      Double fraction,
      long seed,
      Consumer<String> progress) {
    LabelledData trainData = table.read(spark, train);
    progress.accept(trainData.report().summary());
    LabelledData heldOut = null;
    if (heldOutPath != null) {
      heldOut = table.read(spark, heldOutPath);
    } else if (fraction != null) {
      List<LabelledData> parts = trainData.split(fraction, seed);
      trainData = parts.get(0);
      heldOut = parts.get(1);
      progress.accept(trainData.report().summary());
    }
    if (heldOut != null) {
      progress.accept(heldOut.report().summary());
    }
    return new Parts(trainData, heldOut);
  }
}
