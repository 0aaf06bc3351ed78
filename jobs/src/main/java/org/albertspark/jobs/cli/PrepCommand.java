package org.albertspark.jobs.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.Callable;
import org.albertspark.prep.PrepConfig;
import org.albertspark.prep.PrepJob;
import org.albertspark.prep.corpus.CorpusOptions;
import org.albertspark.prep.instance.InstanceConfig;
import org.albertspark.prep.mask.MaskingConfig;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code albert prep}: raw text to masked, sentence-order ALBERT pretraining shards. */
@Command(
    name = "prep",
    sortOptions = false,
    description = {
      "Turn raw text into ALBERT pretraining data: Parquet shards of [CLS] A [SEP] B [SEP] instances with "
          + "sentence-order labels and masked-LM targets, plus manifest.json (counts, flags, vocabulary sha256, "
          + "length histogram).",
      "Semantics of google-research/albert create_pretraining_data.py (ALBERT preprocessing: lower-case, "
          + "accent strip; whole-word n-gram masking), with every random draw seeded from --seed and the "
          + "document's identity (path@offset): the same input, vocabulary, flags and seed give the same "
          + "shard content whatever --partitions or the cluster. Bad input (invalid UTF-8, binary files, "
          + "empty or one-sentence documents, over-long lines, unreadable files) is skipped and counted by "
          + "reason in the manifest; a missing input path is an error before any work.",
      "Output: the --output directory (any Hadoop file system) holding shards/*.parquet and "
          + "manifest.json; read them with PretrainingShards.",
    })
public final class PrepCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin CorpusInputOptions corpusInput;

  @Option(
      names = "--spm-model",
      required = true,
      paramLabel = "FILE.model",
      description =
          "SentencePiece model (any Hadoop file system); must contain [CLS], [SEP], [MASK].")
  String spmModel;

  @Mixin OutputOptions outputOptions;

  @Option(
      names = "--max-seq-length",
      defaultValue = "512",
      paramLabel = "N",
      description =
          "Maximum tokens per instance, [CLS] and [SEP]s included (default: ${DEFAULT-VALUE}).")
  int maxSeqLength;

  @Option(
      names = "--short-seq-prob",
      defaultValue = "0.1",
      paramLabel = "P",
      description =
          "Probability that a document pass targets a random length in [2, max-seq-length - 3] "
              + "instead of the maximum (default: ${DEFAULT-VALUE}).")
  double shortSeqProb;

  @Option(
      names = "--dupe-factor",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "Passes over every document, each with different sentence cuts, orders and masks; output "
              + "grows N-fold. Default ${DEFAULT-VALUE}: BERT's create_pretraining_data default and RoBERTa's "
              + "static-masking setup (ALBERT's script defaults to 40, i.e. 40x the corpus on disk for masks the "
              + "model sees a few times at most). With --dynamic-masking use 1-2: masks are then redrawn every epoch.")
  int dupeFactor;

  @Mixin SeedOption seedOption;

  @Option(
      names = "--masked-lm-prob",
      defaultValue = "0.15",
      paramLabel = "P",
      description = "Share of tokens to mask, rounded, at least 1 (default: ${DEFAULT-VALUE}).")
  double maskedLmProb;

  @Option(
      names = "--max-predictions-per-seq",
      defaultValue = "20",
      paramLabel = "N",
      description = "At most this many masked positions per instance (default: ${DEFAULT-VALUE}).")
  int maxPredictionsPerSeq;

  @Option(
      names = "--ngram",
      defaultValue = "3",
      paramLabel = "N",
      description =
          "Longest masked span in words; span length n is drawn with p proportional to 1/n "
              + "(default: ${DEFAULT-VALUE}).")
  int ngram;

  @Option(
      names = "--favor-shorter-ngram",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Span length n drawn with p proportional to 1/n, as ALBERT's favor_shorter_ngram (default: "
              + "on; --no-favor-shorter-ngram draws it with p proportional to 1/(ngram + 1 - n): longer spans likelier).")
  boolean favorShorterNgram;

  @Option(
      names = "--whole-word-mask",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Mask whole words: a word starts at a piece with \u2581 (or punctuation/digits, ALBERT's "
              + "rule) and spans its continuation pieces (default: on; --no-whole-word-mask masks single pieces).")
  boolean wholeWord;

  @Option(
      names = "--dynamic-masking",
      description =
          "Write unmasked instances; the training job draws a new mask every epoch with "
              + "DynamicMasker(seed, epoch, instance_key). Removes the need for a large --dupe-factor.")
  boolean dynamicMasking;

  @Option(
      names = "--random-next-sentence",
      description =
          "BERT-style next-sentence prediction: with p = 0.5 segment B comes from another document "
              + "(drawn from a seeded pool of --nsp-pool-documents documents), label 1. Default: ALBERT's "
              + "sentence-order prediction (A and B swapped with p = 0.5).")
  boolean randomNextSentence;

  @Option(
      names = "--nsp-pool-documents",
      defaultValue = "10000",
      paramLabel = "N",
      description =
          "Documents in the random-next-sentence pool, broadcast to executors (default: ${DEFAULT-VALUE}).")
  int nspPool;

  @Option(
      names = "--instances-per-shard",
      defaultValue = "32768",
      paramLabel = "N",
      description =
          "Target instances per output Parquet file, so one training task reads a shard in one go "
              + "(default: ${DEFAULT-VALUE}, about 64 MB of int arrays at 512 tokens).")
  int instancesPerShard;

  @Option(
      names = "--shards",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Exact number of output files instead (default: 0 = from --instances-per-shard).")
  int shards;

  @Option(
      names = "--max-line-bytes",
      defaultValue = "1048576",
      paramLabel = "BYTES",
      description =
          "Longer lines are not loaded; their document is skipped as too_long (default: ${DEFAULT-VALUE}).")
  long maxLineBytes;

  @Option(
      names = "--max-document-bytes",
      defaultValue = "16777216",
      paramLabel = "BYTES",
      description =
          "A text-format document growing beyond this is cut at a line into several documents "
              + "(bounded task memory); a longer parquet value is skipped as too_long (default: ${DEFAULT-VALUE}).")
  long maxDocumentBytes;

  /** What to do with a document holding invalid UTF-8. */
  public enum OnInvalidUtf8 {
    /** skip and count the document */
    skip,
    /** decode with U+FFFD */
    replace
  }

  @Option(
      names = "--on-invalid-utf8",
      defaultValue = "skip",
      paramLabel = "ACTION",
      description =
          "skip: skip and count the document; replace: decode with U+FFFD (default: ${DEFAULT-VALUE}).")
  OnInvalidUtf8 onInvalidUtf8;

  @Option(
      names = "--split-bytes",
      defaultValue = "0",
      hidden = true,
      description = "Byte-range split size for uncompressed files (0 = automatic, 4-128 MB).")
  long splitBytes;

  @Mixin SparkOptions sparkOptions;

  @Mixin Progress progress;

  @Override
  public Integer call() throws java.io.IOException {
    PrepConfig cfg;
    try {
      CorpusOptions corpus =
          new CorpusOptions(
              corpusInput.format,
              corpusInput.textField,
              maxLineBytes,
              maxDocumentBytes,
              onInvalidUtf8 == OnInvalidUtf8.replace,
              splitBytes);
      cfg =
          new PrepConfig(
              corpusInput.inputs,
              corpus,
              spmModel,
              outputOptions.output,
              outputOptions.overwrite,
              new InstanceConfig(maxSeqLength, shortSeqProb, randomNextSentence),
              new MaskingConfig(
                  maskedLmProb, maxPredictionsPerSeq, ngram, wholeWord, favorShorterNgram),
              dupeFactor,
              seedOption.seed,
              sparkOptions.partitions,
              dynamicMasking,
              instancesPerShard,
              shards,
              nspPool);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try (SparkSession spark = sparkOptions.session("albert prep")) {
      PrepJob.Result r = PrepJob.run(spark, cfg, progress);
      var inst = r.manifest().path("instances");
      var docs = r.manifest().path("documents");
      spec.commandLine()
          .getOut()
          .printf(
              "wrote %d instances (%d tokens, %d masked) in %d shards to %s; documents in %d, used %d, skipped %d %s;"
                  + " peak JVM heap %d MB%n",
              inst.path("total").asLong(),
              inst.path("tokens").asLong(),
              inst.path("masked_tokens").asLong(),
              r.manifest().path("shards").path("count").asInt(),
              r.outputDir(),
              docs.path("in").asLong(),
              docs.path("used").asLong(),
              docs.path("skipped_total").asLong(),
              docs.path("skipped"),
              peakHeapMb());
      return 0;
    }
  }

  /** Sum of the heap pools' peak usage in this JVM (in local mode: driver and executors). */
  static long peakHeapMb() {
    long s = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        s += p.getPeakUsage().getUsed();
      }
    }
    return s >> 20;
  }
}
