package org.albertspark.vocab;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Every setting of a {@code train-vocab} run ({@link VocabTrainingJob.Settings} with the trainer's
 * options) under the CLI's flag names, as its {@link org.albertspark.provenance.Provenance} records
 * them.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record VocabFlags(
    List<String> input,
    String format,
    String textField,
    String output,
    String modelType,
    int vocabSize,
    float characterCoverage,
    boolean albertPreprocess,
    long maxWords,
    double sampleFraction,
    long seed,
    int maxPieceLength,
    boolean splitDigits,
    int seedPieces,
    List<String> controlSymbols,
    List<String> userDefinedSymbols,
    int threads,
    int partitions,
    boolean overwrite) {

  static VocabFlags of(VocabTrainingJob.Settings s) {
    UnigramTrainerOptions t = s.trainer();
    return new VocabFlags(
        s.inputs(),
        s.format().name().toLowerCase(),
        s.textField(),
        s.output(),
        "unigram",
        t.vocabSize,
        t.characterCoverage,
        s.albertPreprocess(),
        s.maxWords(),
        s.sampleFraction(),
        s.seed(),
        t.maxPieceLength,
        t.splitDigits,
        t.seedSentencepieceSize,
        t.controlSymbols,
        t.userDefinedSymbols,
        t.numThreads,
        s.partitions(),
        s.overwrite());
  }
}
