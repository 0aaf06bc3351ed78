package org.albertspark.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.vocab.UnigramTrainerOptions;
import org.albertspark.vocab.VocabTrainingJob;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code albert train-vocab}: a SentencePiece unigram vocabulary trained over a corpus with Spark.
 */
@Command(
    name = "train-vocab",
    sortOptions = false,
    description = {
      "Train a SentencePiece unigram vocabulary (.model) on a corpus of any size.",
      "Spark reads the corpus, applies ALBERT's preprocessing (whitespace collapse, accent stripping, "
          + "lower-casing; --no-albert-preprocess turns it off) and SentencePiece's nmt_nfkc normalization, "
          + "splits into words as SentencePiece does and counts them. The driver then trains the unigram "
          + "model on the word table (at most --max-words distinct words: driver memory depends on the "
          + "word table, not on the corpus) with spm_train's algorithm and ALBERT's settings: <pad>=0, "
          + "<unk>=1, control symbols [CLS] [SEP] [MASK], user-defined symbols ( ) \" - . \u2013 \u00a3 \u20ac.",
      "Writes --output FILE.model (any Hadoop file system; loadable by spm_encode and the ALBERT tokenizer) and FILE.vocab (piece<TAB>score). "
          + "The result depends only on the input and the flags, not on partitioning.",
    })
public final class TrainVocabCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin CorpusInputOptions corpusInput;

  @Mixin OutputOptions outputOptions;

  /** The model types train-vocab can train; picocli rejects any other --model-type. */
  public enum ModelType {
    unigram
  }

  @Option(
      names = "--vocab-size",
      defaultValue = "30000",
      paramLabel = "N",
      description = "Vocabulary size including the special pieces (default: ${DEFAULT-VALUE}).")
  int vocabSize;

  @Option(
      names = "--character-coverage",
      defaultValue = "0.99995",
      paramLabel = "F",
      description =
          "Share of the corpus' characters the alphabet must cover, 0.98..1; rarer characters "
              + "become <unk> (default: ${DEFAULT-VALUE}).")
  float characterCoverage;

  @Option(
      names = "--model-type",
      defaultValue = "unigram",
      paramLabel = "TYPE",
      description =
          "Model type; only ${COMPLETION-CANDIDATES} (ALBERT's) is implemented (default: "
              + "${DEFAULT-VALUE}).")
  ModelType modelType;

  @Option(
      names = "--albert-preprocess",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Apply ALBERT's preprocessing before training (default: on; --no-albert-preprocess "
              + "trains on the text as is, after nmt_nfkc normalization).")
  boolean albertPreprocess;

  @Option(
      names = "--max-words",
      defaultValue = "2000000",
      paramLabel = "N",
      description =
          "Keep at most this many distinct words on the driver, the most frequent ones (a warning "
              + "says how much of the corpus was left out); bounds driver memory, roughly 1 KB per word "
              + "(default: ${DEFAULT-VALUE}).")
  long maxWords;

  @Option(
      names = "--sample-fraction",
      defaultValue = "1.0",
      paramLabel = "F",
      description =
          "Train on this share of the sentences, chosen by a hash of --seed and the sentence; "
              + "training itself is deterministic (default: ${DEFAULT-VALUE} = all).")
  double sampleFraction;

  @Mixin SeedOption seedOption;

  @Option(
      names = "--max-piece-length",
      defaultValue = "16",
      paramLabel = "N",
      description = "Longest piece in characters (default: ${DEFAULT-VALUE}).")
  int maxPieceLength;

  @Option(
      names = "--split-digits",
      description = "Make every digit its own piece (default: off, as ALBERT).")
  boolean splitDigits;

  @Option(
      names = "--seed-pieces",
      defaultValue = "1000000",
      paramLabel = "N",
      description =
          "Frequent substrings kept as EM seed pieces (spm_train's seed_sentencepiece_size; "
              + "default: ${DEFAULT-VALUE}).")
  int seedPieces;

  @Option(
      names = "--control-symbols",
      split = ",",
      paramLabel = "SYM",
      description =
          "Control symbols, in id order after <pad> and <unk> (default: [CLS],[SEP],[MASK]).")
  List<String> controlSymbols;

  @Option(
      names = "--user-defined-symbols",
      split = ",",
      paramLabel = "SYM",
      description =
          "User-defined symbols, always kept whole (default: ( ) \" - . \u2013 \u00a3 \u20ac). "
              + "An empty value (--user-defined-symbols=) means none.")
  List<String> userDefinedSymbols;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "Driver threads for training (default: 0 = all cores).")
  int threads;

  @Mixin SparkOptions sparkOptions;

  @Mixin Progress progress;

  @Override
  public Integer call() throws Exception {
    UnigramTrainerOptions.Builder tb =
        UnigramTrainerOptions.builder()
            .vocabSize(vocabSize)
            .characterCoverage(characterCoverage)
            .maxPieceLength(maxPieceLength)
            .splitDigits(splitDigits)
            .seedSentencepieceSize(seedPieces)
            .numThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    if (controlSymbols != null) {
      tb.controlSymbols(nonEmpty(controlSymbols));
    }
    if (userDefinedSymbols != null) {
      tb.userDefinedSymbols(nonEmpty(userDefinedSymbols));
    }
    VocabTrainingJob.Settings settings;
    try {
      settings =
          new VocabTrainingJob.Settings(
              corpusInput.inputs,
              corpusInput.format,
              corpusInput.textField,
              outputOptions.output,
              tb.build(),
              albertPreprocess,
              maxWords,
              sampleFraction,
              seedOption.seed,
              sparkOptions.partitions,
              outputOptions.overwrite);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try (SparkSession spark = sparkOptions.session("albert train-vocab")) {
      VocabTrainingJob.Result r = VocabTrainingJob.run(spark, settings, progress);
      var rep = r.report();
      var out = spec.commandLine().getOut();
      out.printf(
          "wrote %s: %d pieces (%d learned, alphabet %d), trained on %,d sentences / %,d word occurrences "
              + "(%,d distinct, %,d kept); counting %.1fs, training %.1fs, driver peak heap %,d MB%n",
          rep.output(),
          r.model().pieces().size(),
          r.model().pieces().size() - settings.trainer().metaPieceCount(),
          rep.trainerStats().alphabetSize(),
          rep.sentences(),
          rep.wordOccurrences(),
          rep.distinctFragments(),
          rep.keptFragments(),
          rep.countSeconds(),
          rep.trainSeconds(),
          rep.driverPeakHeapBytes() >> 20);
      out.flush();
      return 0;
    }
  }

  private static List<String> nonEmpty(List<String> l) {
    List<String> o = new ArrayList<>();
    for (String s : l)
      if (!s.isEmpty()) {
        o.add(s);
      }
    return o;
  }
}
