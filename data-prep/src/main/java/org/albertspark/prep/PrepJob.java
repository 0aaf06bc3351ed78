package org.albertspark.prep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.albertspark.prep.corpus.CorpusDocument;
import org.albertspark.prep.corpus.CorpusReader;
import org.albertspark.prep.instance.NspPool;
import org.albertspark.prep.util.Broadcasts;
import org.albertspark.provenance.Provenance;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code albert prep}: raw text to ALBERT pretraining shards ({@link ShardFormat}) on Spark.
 *
 * <p>The story: read documents ({@link CorpusReader}) → tokenize sentences ({@link
 * TokenizedDocument}, the SentencePiece model loaded once per executor JVM; kept on executors'
 * disk) → count documents exactly ({@link DocStats}) → build instances ({@link InstanceStage}) →
 * shuffle them by a seeded hash into the shards, sorted within each → write → count what was
 * written ({@link WrittenShards}) → {@link PrepManifest}.
 */
public final class PrepJob {
  private PrepJob() {}

  /**
   * Result of a run.
   *
   * @param manifest the manifest as written to {@code manifest.json}
   * @param outputDir the output directory
   */
  public record Result(ObjectNode manifest, String outputDir) {}

  /** {@link #run(SparkSession, PrepConfig, Provenance.Builder, Consumer)} through the API. */
  public static Result run(SparkSession spark, PrepConfig cfg, Consumer<String> progress) {
    return run(spark, cfg, Provenance.builder("albert prep"), progress);
  }

  /**
   * Runs prep with the SentencePiece model named in the config. {@code provenance} names the tool
   * and command as the caller started them; the run adds its flags, inputs and Spark version.
   */
  public static Result run(
      SparkSession spark,
      PrepConfig cfg,
      Provenance.Builder provenance,
      Consumer<String> progress) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    CorpusReader.Input input = CorpusReader.resolve(cfg.inputs(), conf);
    SpmModelFile model = SpmModelFile.read(cfg.spmModel(), conf);
    PrepConfig resolved = cfg.withSpmModel(model.path()); // the manifest records where it is
    // fails fast, on the driver, when [CLS], [SEP] or [MASK] is missing
    new SpmTokenizers.Spm(model.model());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> bytes = jsc.broadcast(model.bytes());
    try {
      return run(
          spark,
          resolved,
          input,
          SpmTokenizers.source(bytes, model.sha256()),
          model.description(),
          provenance,
          progress);
    } finally {
      Broadcasts.destroy(bytes);
    }
  }

  /**
   * Runs prep with any tokenizer source (tests use a fake one); fails before any work when the
   * output exists and {@code --overwrite} was not given.
   */
  public static Result run(
      SparkSession spark,
      PrepConfig cfg,
      CorpusReader.Input input,
      PrepTokenizer.Source tokenizer,
      Map<String, Object> vocabDescription,
      Provenance.Builder provenance,
      Consumer<String> progress) {
    OutputDir.checkWritable(cfg, spark.sparkContext().hadoopConfiguration());
    long t0 = System.nanoTime();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int parallelism = cfg.partitions() > 0 ? cfg.partitions() : jsc.defaultParallelism();
    progress.accept(
        String.format(
            "prep: %d input files, %.1f MB, format %s, parallelism %d",
            input.files().size(),
            input.totalBytes() / 1e6,
            cfg.corpus().format().name().toLowerCase(),
            parallelism));

    JavaRDD<TokenizedDocument> tokenized =
        readAndTokenize(spark, cfg, input, tokenizer, parallelism);
    try {
      DocStats ds = countDocuments(tokenized, progress, t0);
      long t1 = System.nanoTime();

      NspPool pool = null;
      if (cfg.instances().randomNextSentence()) {
        pool = NspPoolSampler.sample(tokenized, cfg.seed(), cfg.nspPoolDocuments());
        progress.accept("prep: NSP pool of " + pool.docs().size() + " documents");
      }
      long estimate = InstanceStage.estimate(cfg, ds);
      int shards = InstanceStage.shardCount(cfg, estimate);
      progress.accept(
          "prep: about " + estimate + " instances expected; writing " + shards + " shard(s)");
      InstanceStage.Counters counters = InstanceStage.Counters.register(jsc);
      Broadcast<NspPool> poolBc = pool == null ? null : jsc.broadcast(pool);
      JavaRDD<Row> rows =
          InstanceStage.build(tokenized, cfg, tokenizer, poolBc, counters)
              .repartitionAndSortWithinPartitions(new HashPartitioner(shards))
              .map(t -> t._2().toRow());
      String shardDir = new Path(cfg.output(), ShardFormat.SHARDS_DIR).toString();
      if (cfg.overwrite()) {
        OutputDir.deleteIfExists(cfg.output(), conf);
      }
      spark
          .createDataFrame(rows, ShardFormat.SCHEMA)
          .write()
          .mode(SaveMode.ErrorIfExists)
          .parquet(shardDir);
      long t2 = System.nanoTime();
      progress.accept(String.format("prep: wrote shards to %s (%.1fs)", shardDir, (t2 - t1) / 1e9));
      if (poolBc != null) {
        Broadcasts.destroy(poolBc);
      }

      WrittenShards written = WrittenShards.read(spark, shardDir, cfg.instances().maxSeqLength());
      long t3 = System.nanoTime();
      PrepManifest manifest =
          manifest(
              spark,
              cfg,
              input,
              ds,
              vocabDescription,
              provenance,
              written,
              counters,
              new PrepManifest.Timing(
                  (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t3 - t0) / 1e9));
      OutputDir.writeFile(cfg.output(), ShardFormat.MANIFEST, manifest.toJson(), conf);
      progress.accept(
          String.format(
              "prep: %d instances, %d tokens, %d masked; manifest %s (%.1fs total)",
              written.instances().total(),
              written.instances().tokens(),
              written.instances().maskedTokens(),
              new Path(cfg.output(), ShardFormat.MANIFEST),
              (t3 - t0) / 1e9));
      return new Result(manifest.toTree(), cfg.output());
    } finally {
      tokenized.unpersist(false);
    }
  }

  /** Documents tokenized on the executors, kept on local disk (bounded memory; read twice). */
  private static JavaRDD<TokenizedDocument> readAndTokenize(
      SparkSession spark,
      PrepConfig cfg,
      CorpusReader.Input input,
      PrepTokenizer.Source tokenizer,
      int parallelism) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    LongAccumulator docsRead = jsc.sc().longAccumulator("prep: documents read");
    JavaRDD<CorpusDocument> docs = new CorpusReader(spark, cfg.corpus()).read(input, parallelism);
    if (docs.getNumPartitions() < parallelism) {
      docs = docs.repartition(parallelism);
    }
    return docs.map(
            d -> {
              docsRead.add(1);
              return TokenizedDocument.of(d, tokenizer.get());
            })
        .persist(StorageLevel.DISK_ONLY());
  }

  /** Exact counts (an action, not accumulators); fails when nothing is usable. */
  private static DocStats countDocuments(
      JavaRDD<TokenizedDocument> tokenized, Consumer<String> progress, long t0) {
    DocStats ds = tokenized.aggregate(new DocStats(), DocStats::add, DocStats::merge);
    if (ds.documentsIn != ds.documentsUsed + ds.skippedTotal()) {
      throw new IllegalStateException(
          "document counts do not reconcile: "
              + ds.documentsIn
              + " != "
              + ds.documentsUsed
              + " + "
              + ds.skippedTotal());
    }
    progress.accept(
        String.format(
            "prep: documents in %d, used %d, skipped %d %s; sentences %d, tokens %d (%.1fs)",
            ds.documentsIn,
            ds.documentsUsed,
            ds.skippedTotal(),
            ds.skippedByKey(),
            ds.sentencesUsed,
            ds.tokensUsed,
            (System.nanoTime() - t0) / 1e9));
    if (ds.documentsUsed == 0) {
      throw new IllegalArgumentException(
          "no usable documents in the input (skipped: "
              + ds.skippedByKey()
              + "); see examples: "
              + ds.examples);
    }
    return ds;
  }

  private static PrepManifest manifest(
      SparkSession spark,
      PrepConfig cfg,
      CorpusReader.Input input,
      DocStats ds,
      Map<String, Object> vocabDescription,
      Provenance.Builder provenance,
      WrittenShards written,
      InstanceStage.Counters counters,
      PrepManifest.Timing timing) {
    return new PrepManifest(
        ShardFormat.FORMAT,
        Instant.now().toString(),
        spark.version(),
        cfg.seed(),
        PrepManifest.Flags.of(cfg),
        vocabDescription,
        new PrepManifest.Input(input.files().size(), input.totalBytes()),
        PrepManifest.Documents.of(ds),
        new PrepManifest.Sentences(ds.sentencesIn, ds.sentencesUsed),
        new PrepManifest.Tokens(ds.tokensUsed),
        written.instances(),
        written.shards(),
        new PrepManifest.Reconciliation(
            ds.documentsIn == ds.documentsUsed + ds.skippedTotal(), written.reconciles()),
        PrepManifest.Masking.of(cfg.dynamicMasking()),
        ShardFormat.columnDocs(),
        counters.diagnostics(),
        timing,
        provenance(provenance, spark, cfg, input, vocabDescription));
  }

  /**
   * What made this output: every resolved input file (not hashed: corpora are large), the model.
   */
  private static Provenance provenance(
      Provenance.Builder p,
      SparkSession spark,
      PrepConfig cfg,
      CorpusReader.Input input,
      Map<String, Object> vocabDescription) {
    p.flags(PrepManifest.Flags.of(cfg)).environment("spark_version", spark.version());
    for (CorpusReader.FileEntry f : input.files()) {
      p.input(f.path(), null, f.length());
    }
    Object sha = vocabDescription.get("sha256");
    p.input(cfg.spmModel(), sha == null ? null : sha.toString(), -1);
    return p.build();
  }
}
