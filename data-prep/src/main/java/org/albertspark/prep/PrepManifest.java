package org.albertspark.prep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.albertspark.provenance.Provenance;

/**
 * {@code manifest.json} of a prep output: what was asked (flags), what came in, what was skipped
 * and why, what was written (counted from the shards themselves), and how the numbers reconcile;
 * last the run's {@link Provenance}, the record model directories and vocabularies carry too.
 * Jackson writes the components in declaration order, snake_case.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PrepManifest(
    String format,
    String createdAt,
    String sparkVersion,
    long seed,
    Flags flags,
    Map<String, Object> vocabulary,
    Input input,
    Documents documents,
    Sentences sentences,
    Tokens tokens,
    Instances instances,
    Shards shards,
    Reconciliation reconciliation,
    Masking masking,
    Map<String, String> schema,
    Diagnostics diagnostics,
    Timing timingSeconds,
    Provenance provenance) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The manifest as a JSON tree (what {@link PrepJob.Result} hands to callers). */
  public ObjectNode toTree() {
    return JSON.valueToTree(this);
  }

  /** The manifest as indented JSON text. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the prep manifest", e);
    }
  }

  /** Every flag of the run (the {@link PrepConfig}, under the CLI's names). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Flags(
      List<String> input,
      String format,
      String textField,
      long maxLineBytes,
      long maxDocumentBytes,
      @JsonProperty("on_invalid_utf8") String onInvalidUtf8,
      String spmModel,
      String output,
      int maxSeqLength,
      double shortSeqProb,
      boolean randomNextSentence,
      double maskedLmProb,
      int maxPredictionsPerSeq,
      int ngram,
      boolean wholeWordMask,
      boolean favorShorterNgram,
      int dupeFactor,
      long seed,
      int partitions,
      boolean dynamicMasking,
      int instancesPerShard,
      int shards,
      int nspPoolDocuments,
      boolean overwrite) {

    static Flags of(PrepConfig c) {
      return new Flags(
          c.inputs(),
          c.corpus().format().name().toLowerCase(),
          c.corpus().textField(),
          c.corpus().maxLineBytes(),
          c.corpus().maxDocumentBytes(),
          c.corpus().replaceInvalidUtf8() ? "replace" : "skip",
          c.spmModel(),
          c.output(),
          c.instances().maxSeqLength(),
          c.instances().shortSeqProb(),
          c.instances().randomNextSentence(),
          c.masking().maskedLmProb(),
          c.masking().maxPredictionsPerSeq(),
          c.masking().ngram(),
          c.masking().wholeWord(),
          c.masking().favorShorterNgram(),
          c.dupeFactor(),
          c.seed(),
          c.partitions(),
          c.dynamicMasking(),
          c.instancesPerShard(),
          c.shards(),
          c.nspPoolDocuments(),
          c.overwrite());
    }
  }

  /** The resolved input files and their total size on disk (compressed where they are). */
  public record Input(long files, long bytes) {}

  /**
   * Document counts; {@code input_bytes_read} sums what the reader saw of each document: bytes of
   * the (decompressed) lines for text formats, UTF-8 bytes of the value for Parquet.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Documents(
      @JsonProperty("in") long documentsIn,
      long used,
      long skippedTotal,
      SortedMap<String, Long> skipped,
      long cutAtMaxDocumentBytes,
      SortedMap<String, String> skippedExamples,
      SortedMap<String, String> unreadableFiles,
      long inputBytesRead) {

    static Documents of(DocStats ds) {
      return new Documents(
          ds.documentsIn,
          ds.documentsUsed,
          ds.skippedTotal(),
          ds.skippedByKey(),
          ds.documentsCutAtSizeLimit,
          ds.examples,
          ds.unreadableFiles,
          ds.bytes);
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Sentences(@JsonProperty("in") long sentencesIn, long inUsedDocuments) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Tokens(long inUsedDocuments) {}

  /** Counted from the written shards, not from accumulators. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Instances(
      long total,
      long tokens,
      long maskedTokens,
      @JsonProperty("sentence_order_label_0") long sentenceOrderLabel0,
      @JsonProperty("sentence_order_label_1") long sentenceOrderLabel1,
      double meanLength,
      Integer minLength,
      Integer maxLength,
      LengthHistogram lengthHistogram) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record LengthHistogram(int bucketWidth, String note, long[] counts) {
    static final String NOTE =
        "counts[i] = instances with length in [i*bucket_width, (i+1)*bucket_width)";
  }

  /** The shard files (names relative to {@code dir}) and their row counts. */
  public record Shards(String dir, List<ShardFile> files, int count) {}

  public record ShardFile(String name, long instances) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Reconciliation(
      boolean documentsInEqualsUsedPlusSkipped, boolean instancesEqualSumOverShards) {}

  /** Whether the shards are masked, and how training gets its masks. */
  public record Masking(boolean dynamic, String note) {
    static Masking of(boolean dynamic) {
      return new Masking(
          dynamic,
          dynamic
              ? "instances are unmasked: mask each epoch with DynamicMasker(seed, epoch, instance_key)"
              : "masked once, as DynamicMasker at epoch 0 would");
    }
  }

  /** Counters of the instance stage (Spark accumulators: exact unless tasks were retried). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Diagnostics(
      String note,
      long instancesBuilt,
      @JsonProperty("single_sentence_chunks_cut_at_a_word") long singleSentenceChunksCutAtAWord,
      long oneTokenChunksDropped,
      long tokensTruncated) {
    static final String NOTE = "from Spark accumulators: exact unless tasks were retried";
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Timing(
      double readTokenizeCount, double instancesWrite, double verify, double total) {}
}
