package org.albertspark.prep;

import java.io.Serializable;
import java.util.List;
import org.albertspark.prep.corpus.CorpusOptions;
import org.albertspark.prep.instance.InstanceConfig;
import org.albertspark.prep.mask.MaskingConfig;

/**
 * Everything {@code albert prep} does, as one value.
 *
 * @param inputs files, directories or globs on any Hadoop file system
 * @param corpus how to read them
 * @param spmModel path of the SentencePiece .model (any Hadoop file system)
 * @param output output directory (shards under {@code shards/}, {@code manifest.json})
 * @param overwrite replace an existing output directory
 * @param instances instance-creation parameters
 * @param masking masked-LM parameters
 * @param dupeFactor passes over each document, each with different sentence cuts and masks
 * @param seed run seed
 * @param partitions processing parallelism (0 = Spark's default parallelism)
 * @param dynamicMasking write unmasked instances (masks drawn per epoch at training time)
 * @param instancesPerShard target rows per output parquet file
 * @param shards explicit number of output files (0 = from instancesPerShard)
 * @param nspPoolDocuments documents in the random-next-sentence pool (NSP mode only)
 */
public record PrepConfig(
    List<String> inputs,
    CorpusOptions corpus,
    String spmModel,
    String output,
    boolean overwrite,
    InstanceConfig instances,
    MaskingConfig masking,
    int dupeFactor,
    long seed,
    int partitions,
    boolean dynamicMasking,
    int instancesPerShard,
    int shards,
    int nspPoolDocuments)
    implements Serializable {

  public static final int DEFAULT_DUPE_FACTOR = 10;
  public static final long DEFAULT_SEED = 12345;
  public static final int DEFAULT_INSTANCES_PER_SHARD = 32768;
  public static final int DEFAULT_NSP_POOL_DOCUMENTS = 10000;

  /** The same run with another {@code spmModel} (the same file, resolved). */
  public PrepConfig withSpmModel(String path) {
    return new PrepConfig(
        inputs,
        corpus,
        path,
        output,
        overwrite,
        instances,
        masking,
        dupeFactor,
        seed,
        partitions,
        dynamicMasking,
        instancesPerShard,
        shards,
        nspPoolDocuments);
  }

  public PrepConfig {
    inputs = List.copyOf(inputs);
    if (dupeFactor < 1) {
      throw new IllegalArgumentException("dupe-factor must be >= 1, got " + dupeFactor);
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be >= 0, got " + partitions);
    }
    if (instancesPerShard < 1) {
      throw new IllegalArgumentException("instances-per-shard must be >= 1");
    }
    if (shards < 0) {
      throw new IllegalArgumentException("shards must be >= 0");
    }
    if (nspPoolDocuments < 1) {
      throw new IllegalArgumentException("nsp pool must hold >= 1 document");
    }
    if (masking.maxPredictionsPerSeq() > instances.maxSeqLength()) {
      throw new IllegalArgumentException(
          "max-predictions-per-seq "
              + masking.maxPredictionsPerSeq()
              + " exceeds max-seq-length "
              + instances.maxSeqLength());
    }
  }
}
