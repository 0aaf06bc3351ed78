package org.albertspark.prep;

import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.albertspark.prep.corpus.CorpusDocument;
import org.albertspark.prep.corpus.CorpusReader;
import org.albertspark.prep.instance.Instance;
import org.albertspark.prep.instance.InstanceBuilder;
import org.albertspark.prep.instance.NspPool;
import org.albertspark.prep.mask.DynamicMasker;
import org.albertspark.prep.mask.MaskedInstance;
import org.albertspark.prep.mask.VocabInfo;
import org.albertspark.prep.util.Hashing;
import org.albertspark.prep.util.Rng;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * {@code albert prep}: raw text to ALBERT pretraining shards on Spark.
 *
 * <p>Stages: (1) read documents ({@link CorpusReader}), (2) tokenize sentences (SentencePiece model
 * loaded once per executor JVM), kept on executors' memory/disk, (3) exact document counts, (4)
 * instances for each document and each of {@code dupe_factor} passes, each pass with its own RNG
 * derived from (seed, document identity, pass), masked at epoch 0 unless dynamic, (5) a shuffle by
 * a seeded hash of the instance identity into the output shards, sorted within each shard, so shard
 * content and order do not depend on input partitioning, (6) counts read back from the written
 * shards, (7) manifest.json.
 */
public final class PrepJob {
  private PrepJob() {}

  public static final String FORMAT = "albert-prep/1";
  public static final String SHARDS_DIR = "shards";
  public static final String MANIFEST = "manifest.json";
  static final long INSTANCE_DOMAIN = 0x494E5354414E4345L;
  static final long SHUFFLE_DOMAIN = 0x53485546464C4531L;
  static final long POOL_DOMAIN = 0x504F4F4C504F4F4CL;

  /** The shard schema (one row per instance, unpadded). */
  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field(
                "input_ids",
                DataTypes.createArrayType(DataTypes.IntegerType, false),
                "token ids [CLS] A [SEP] B [SEP], unpadded; masked unless the run used --dynamic-masking"),
            field(
                "segment_ids",
                DataTypes.createArrayType(DataTypes.IntegerType, false),
                "token type ids: 0 for [CLS], A and the first [SEP]; 1 for B and the last [SEP]"),
            field(
                "length",
                DataTypes.IntegerType,
                "number of tokens (= size of input_ids), <= max_seq_length"),
            field(
                "masked_positions",
                DataTypes.createArrayType(DataTypes.IntegerType, false),
                "masked positions, ascending (empty with --dynamic-masking)"),
            field(
                "masked_ids",
                DataTypes.createArrayType(DataTypes.IntegerType, false),
                "original ids at masked_positions: the MLM labels (empty with --dynamic-masking)"),
            field(
                "sentence_order_label",
                DataTypes.IntegerType,
                "0 = B follows A in the document; 1 = swapped (SOP) or B from another document (--random-next-sentence)"),
            field(
                "instance_key",
                DataTypes.LongType,
                "64-bit hash of (document id, pass, index): seeds DynamicMasker for this instance"),
            field(
                "doc_id",
                DataTypes.StringType,
                "source document: fully qualified path@byte offset (row index for parquet)"),
            field("pass", DataTypes.IntegerType, "dupe-factor pass, 0-based"),
          });

  private static StructField field(String name, org.apache.spark.sql.types.DataType t, String doc) {
    return new StructField(name, t, false, Metadata.empty()).withComment(doc);
  }

  /** Result of a run. */
  public record Result(ObjectNode manifest, String outputDir) {}

  /** A compact instance for the shuffle. */
  record Out(
      int[] ids,
      int segA,
      int[] positions,
      int[] labels,
      int label,
      long key,
      String docId,
      int pass)
      implements Serializable {
    Row toRow() {
      int[] seg = new int[ids.length];
      for (int i = segA; i < ids.length; i++) {
        seg[i] = 1;
      }
      return RowFactory.create(
          box(ids), box(seg), ids.length, box(positions), box(labels), label, key, docId, pass);
    }

    private static Integer[] box(int[] a) {
      Integer[] b = new Integer[a.length];
      for (int i = 0; i < a.length; i++) {
        b[i] = a[i];
      }
      return b;
    }
  }

  /** Runs prep with the SentencePiece model named in the config. */
  public static Result run(SparkSession spark, PrepConfig cfg, Consumer<String> progress) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    checkOutput(cfg, conf);
    CorpusReader reader = new CorpusReader(spark, cfg.corpus());
    CorpusReader.Input input = reader.resolve(cfg.inputs());
    byte[] modelBytes = readModel(cfg.spmModel(), conf);
    SentencePieceModel model;
    try {
      model = SentencePieceModel.fromBytes(modelBytes);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--spm-model "
              + cfg.spmModel()
              + " is not a valid SentencePiece model: "
              + e.getMessage(),
          e);
    }
    String sha = Hashing.sha256Hex(modelBytes);
    SpmTokenizers.Spm driverTok = new SpmTokenizers.Spm(model);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> bc = jsc.broadcast(modelBytes);
    Map<String, Object> vocab = new LinkedHashMap<>();
    vocab.put("path", cfg.spmModel());
    vocab.put("sha256", sha);
    vocab.put("size", model.size());
    try {
      return run(
          spark, cfg, input, SpmTokenizers.source(bc, sha), driverTok.vocab(), vocab, progress);
    } finally {
      bc.destroy();
    }
  }

  static void checkOutput(PrepConfig cfg, Configuration conf) {
    Path out = new Path(cfg.output());
    try {
      FileSystem fs = out.getFileSystem(conf);
      if (fs.exists(out)) {
        if (!cfg.overwrite()) {
          throw new IllegalArgumentException(
              "output " + cfg.output() + " already exists (use --overwrite to replace it)");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot access output " + cfg.output() + ": " + e.getMessage(), e);
    }
  }

  static byte[] readModel(String path, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      long len = fs.getFileStatus(p).getLen();
      if (len > (1L << 30)) {
        throw new IllegalArgumentException("--spm-model " + path + " is larger than 1 GiB");
      }
      try (FSDataInputStream in = fs.open(p)) {
        return in.readNBytes((int) len);
      }
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException("--spm-model does not exist: " + path);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read --spm-model " + path + ": " + e.getMessage(), e);
    }
  }

  /** Runs prep with any tokenizer source (tests use a fake one). */
  public static Result run(
      SparkSession spark,
      PrepConfig cfg,
      CorpusReader.Input input,
      PrepTokenizer.Source tokenizer,
      VocabInfo driverVocab,
      Map<String, Object> vocabDescription,
      Consumer<String> progress) {
    long t0 = System.nanoTime();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    checkOutput(cfg, conf);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int parallelism = cfg.partitions() > 0 ? cfg.partitions() : jsc.defaultParallelism();
    progress.accept(
        String.format(
            "prep: %d input files, %.1f MB, format %s, parallelism %d",
            input.files().size(),
            input.totalBytes() / 1e6,
            cfg.corpus().format().name().toLowerCase(),
            parallelism));

    // Stage 1-2: read and tokenize
    LongAccumulator docsRead = jsc.sc().longAccumulator("prep: documents read");
    CorpusReader reader = new CorpusReader(spark, cfg.corpus());
    JavaRDD<CorpusDocument> docs = reader.read(input, parallelism);
    if (docs.getNumPartitions() < parallelism) {
      docs = docs.repartition(parallelism);
    }
    JavaRDD<TokenizedDocument> tokenized =
        docs.map(
                d -> {
                  docsRead.add(1);
                  return tokenize(d, tokenizer.get());
                })
            .persist(
                StorageLevel
                    .DISK_ONLY()); // bounded memory: tokenized corpus on local disk, read twice

    try {
      // Stage 3: exact document counts
      DocStats ds = tokenized.aggregate(new DocStats(), DocStats::add, DocStats::merge);
      long t1 = System.nanoTime();
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
              ds.skipped,
              ds.sentencesUsed,
              ds.tokensUsed,
              (t1 - t0) / 1e9));
      if (ds.documentsUsed == 0) {
        throw new IllegalArgumentException(
            "no usable documents in the input (skipped: "
                + ds.skipped
                + "); see examples: "
                + ds.examples);
      }

      // NSP pool (only with --random-next-sentence)
      NspPool pool = null;
      if (cfg.instances().randomNextSentence()) {
        long seed = cfg.seed();
        List<NspPool.Doc> sample =
            tokenized
                .filter(TokenizedDocument::used)
                .map(
                    d ->
                        new Tuple2<>(
                            Hashing.mix(POOL_DOMAIN, seed, d.key()),
                            new NspPool.Doc(d.key(), d.sentences())))
                .takeOrdered(cfg.nspPoolDocuments(), new PoolOrder())
                .stream()
                .map(Tuple2::_2)
                .toList();
        pool = new NspPool(new ArrayList<>(sample));
        progress.accept("prep: NSP pool of " + sample.size() + " documents");
      }

      // Stage 4-5: instances, shuffled into shards
      long avgTarget =
          Math.max(
              1,
              Math.round(
                  cfg.instances().maxNumTokens() * (1 - cfg.instances().shortSeqProb() / 2)));
      long estimate = (long) cfg.dupeFactor() * (ds.tokensUsed / avgTarget + ds.documentsUsed);
      int shards =
          cfg.shards() > 0
              ? cfg.shards()
              : (int)
                  Math.max(
                      1,
                      Math.min(
                          100_000,
                          (estimate + cfg.instancesPerShard() - 1) / cfg.instancesPerShard()));
      progress.accept(
          "prep: about " + estimate + " instances expected; writing " + shards + " shard(s)");

      LongAccumulator built = jsc.sc().longAccumulator("prep: instances built");
      LongAccumulator splitChunks =
          jsc.sc().longAccumulator("prep: single-sentence chunks cut at a word");
      LongAccumulator dropped = jsc.sc().longAccumulator("prep: one-token chunks dropped");
      LongAccumulator truncated = jsc.sc().longAccumulator("prep: tokens truncated");
      Broadcast<NspPool> poolBc = pool == null ? null : jsc.broadcast(pool);
      PrepConfig c = cfg;
      JavaPairRDD<Long, Out> keyed =
          tokenized
              .filter(TokenizedDocument::used)
              .flatMapToPair(
                  d -> {
                    PrepTokenizer tok = tokenizer.get();
                    InstanceBuilder builder = new InstanceBuilder(c.instances(), tok.vocab());
                    DynamicMasker masker =
                        c.dynamicMasking()
                            ? null
                            : new DynamicMasker(c.masking(), tok.vocab(), c.seed());
                    InstanceBuilder.Stats st = new InstanceBuilder.Stats();
                    NspPool p = poolBc == null ? null : poolBc.value();
                    List<Tuple2<Long, Out>> out = new ArrayList<>();
                    for (int pass = 0; pass < c.dupeFactor(); pass++) {
                      Rng rng = Rng.of(INSTANCE_DOMAIN, c.seed(), d.key(), pass);
                      for (Instance x : builder.build(d.sentences(), d.key(), rng, p, st)) {
                        long key = Hashing.mix(d.key(), pass, x.index());
                        Out o;
                        if (masker == null) {
                          o =
                              new Out(
                                  x.ids(),
                                  x.segmentALength(),
                                  new int[0],
                                  new int[0],
                                  x.sentenceOrderLabel(),
                                  key,
                                  d.id(),
                                  pass);
                        } else {
                          MaskedInstance m = masker.mask(x.ids(), key, 0);
                          o =
                              new Out(
                                  m.inputIds(),
                                  x.segmentALength(),
                                  m.positions(),
                                  m.labels(),
                                  x.sentenceOrderLabel(),
                                  key,
                                  d.id(),
                                  pass);
                        }
                        out.add(new Tuple2<>(Hashing.mix(SHUFFLE_DOMAIN, c.seed(), key), o));
                      }
                    }
                    built.add(st.instances);
                    splitChunks.add(st.singleSentenceChunksSplit);
                    dropped.add(st.chunksDropped);
                    truncated.add(st.tokensTruncated);
                    return out.iterator();
                  });
      JavaRDD<Row> rows =
          keyed
              .repartitionAndSortWithinPartitions(new HashPartitioner(shards))
              .map(t -> t._2().toRow());
      String shardDir = new Path(cfg.output(), SHARDS_DIR).toString();
      if (cfg.overwrite()) {
        deleteIfExists(cfg.output(), conf);
      }
      spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.ErrorIfExists).parquet(shardDir);
      long t2 = System.nanoTime();
      progress.accept(String.format("prep: wrote shards to %s (%.1fs)", shardDir, (t2 - t1) / 1e9));
      if (poolBc != null) {
        poolBc.destroy();
      }

      // Stage 6: counts from what was written
      ObjectNode manifest = manifest(spark, cfg, input, ds, vocabDescription, shardDir);
      ObjectNode diag = manifest.putObject("diagnostics");
      diag.put("note", "from Spark accumulators: exact unless tasks were retried");
      diag.put("instances_built", built.value());
      diag.put("single_sentence_chunks_cut_at_a_word", splitChunks.value());
      diag.put("one_token_chunks_dropped", dropped.value());
      diag.put("tokens_truncated", truncated.value());
      long t3 = System.nanoTime();
      ObjectNode timing = manifest.putObject("timing_seconds");
      timing.put("read_tokenize_count", (t1 - t0) / 1e9);
      timing.put("instances_write", (t2 - t1) / 1e9);
      timing.put("verify", (t3 - t2) / 1e9);
      timing.put("total", (t3 - t0) / 1e9);
      writeManifest(cfg.output(), manifest, conf);
      progress.accept(
          String.format(
              "prep: %d instances, %d tokens, %d masked; manifest %s (%.1fs total)",
              manifest.path("instances").path("total").asLong(),
              manifest.path("instances").path("tokens").asLong(),
              manifest.path("instances").path("masked_tokens").asLong(),
              new Path(cfg.output(), MANIFEST),
              (t3 - t0) / 1e9));
      return new Result(manifest, cfg.output());
    } finally {
      tokenized.unpersist(false);
    }
  }

  /** Orders pool candidates by their seeded hash, then identity (deterministic). */
  static final class PoolOrder
      implements java.util.Comparator<Tuple2<Long, NspPool.Doc>>, Serializable {
    @Override
    public int compare(Tuple2<Long, NspPool.Doc> a, Tuple2<Long, NspPool.Doc> b) {
      int c = Long.compare(a._1(), b._1());
      return c != 0 ? c : Long.compare(a._2().key(), b._2().key());
    }
  }

  static TokenizedDocument tokenize(CorpusDocument d, PrepTokenizer tok) {
    String id = d.id();
    long key = Hashing.hash64(id);
    if (!d.isOk()) {
      return new TokenizedDocument(
          id, key, null, d.problem().key(), d.detail(), d.bytes(), 0, 0, false);
    }
    List<int[]> sents = new ArrayList<>(d.sentences().size());
    long tokens = 0;
    for (String s : d.sentences()) {
      int[] ids = tok.encode(s);
      if (ids.length > 0) {
        sents.add(ids);
        tokens += ids.length;
      }
    }
    String reason = null;
    String detail = null;
    if (sents.isEmpty()) {
      reason = "no_tokens";
      detail = "text tokenizes to nothing";
    } else if (sents.size() == 1) {
      reason = "one_sentence";
      detail = "a sentence-order pair needs two sentences";
    }
    return new TokenizedDocument(
        id,
        key,
        reason == null ? sents.toArray(new int[0][]) : null,
        reason,
        detail,
        d.bytes(),
        d.sentences().size(),
        tokens,
        d.cutAtSizeLimit());
  }

  static void deleteIfExists(String dir, Configuration conf) {
    Path p = new Path(dir);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (fs.exists(p) && !fs.delete(p, true)) {
        throw new IOException("delete returned false");
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot remove existing output " + dir + ": " + e.getMessage(), e);
    }
  }

  private static ObjectNode manifest(
      SparkSession spark,
      PrepConfig cfg,
      CorpusReader.Input input,
      DocStats ds,
      Map<String, Object> vocab,
      String shardDir) {
    ObjectMapper om = new ObjectMapper();
    ObjectNode m = om.createObjectNode();
    m.put("format", FORMAT);
    m.put("created_at", Instant.now().toString());
    m.put("spark_version", spark.version());
    m.put("seed", cfg.seed());
    ObjectNode flags = m.putObject("flags");
    flags.set("input", om.valueToTree(cfg.inputs()));
    flags.put("format", cfg.corpus().format().name().toLowerCase());
    flags.put("text_field", cfg.corpus().textField());
    flags.put("max_line_bytes", cfg.corpus().maxLineBytes());
    flags.put("max_document_bytes", cfg.corpus().maxDocumentBytes());
    flags.put("on_invalid_utf8", cfg.corpus().replaceInvalidUtf8() ? "replace" : "skip");
    flags.put("spm_model", cfg.spmModel());
    flags.put("output", cfg.output());
    flags.put("max_seq_length", cfg.instances().maxSeqLength());
    flags.put("short_seq_prob", cfg.instances().shortSeqProb());
    flags.put("random_next_sentence", cfg.instances().randomNextSentence());
    flags.put("masked_lm_prob", cfg.masking().maskedLmProb());
    flags.put("max_predictions_per_seq", cfg.masking().maxPredictionsPerSeq());
    flags.put("ngram", cfg.masking().ngram());
    flags.put("whole_word_mask", cfg.masking().wholeWord());
    flags.put("favor_shorter_ngram", cfg.masking().favorShorterNgram());
    flags.put("dupe_factor", cfg.dupeFactor());
    flags.put("seed", cfg.seed());
    flags.put("partitions", cfg.partitions());
    flags.put("dynamic_masking", cfg.dynamicMasking());
    flags.put("instances_per_shard", cfg.instancesPerShard());
    flags.put("shards", cfg.shards());
    flags.put("nsp_pool_documents", cfg.nspPoolDocuments());
    flags.put("overwrite", cfg.overwrite());
    m.set("vocabulary", om.valueToTree(vocab));
    ObjectNode in = m.putObject("input");
    in.put("files", input.files().size());
    in.put("bytes", input.totalBytes());
    ObjectNode docs = m.putObject("documents");
    docs.put("in", ds.documentsIn);
    docs.put("used", ds.documentsUsed);
    docs.put("skipped_total", ds.skippedTotal());
    docs.set("skipped", om.valueToTree(ds.skipped));
    docs.put("cut_at_max_document_bytes", ds.documentsCutAtSizeLimit);
    docs.set("skipped_examples", om.valueToTree(ds.examples));
    docs.set("unreadable_files", om.valueToTree(ds.unreadableFiles));
    docs.put("input_bytes_read", ds.bytes);
    ObjectNode sents = m.putObject("sentences");
    sents.put("in", ds.sentencesIn);
    sents.put("in_used_documents", ds.sentencesUsed);
    m.putObject("tokens").put("in_used_documents", ds.tokensUsed);

    // One aggregation over what was written: per (file, length bucket) counts and sums.
    Dataset<Row> shards = spark.read().parquet(shardDir);
    int width = Math.max(1, (cfg.instances().maxSeqLength() + 31) / 32);
    int buckets = cfg.instances().maxSeqLength() / width + 1;
    List<Row> groups =
        shards
            .groupBy(
                input_file_name().as("f"), floor(col("length").divide(width)).cast("int").as("b"))
            .agg(
                count(lit(1)),
                sum("length"),
                sum(size(col("masked_positions"))),
                sum("sentence_order_label"),
                min("length"),
                max("length"))
            .collectAsList();
    long total = 0, tokens = 0, masked = 0, sop1 = 0;
    int minLen = Integer.MAX_VALUE, maxLen = 0;
    long[] hist = new long[buckets];
    java.util.TreeMap<String, Long> perFile = new java.util.TreeMap<>();
    for (Row r : groups) {
      long n = r.getLong(2);
      total += n;
      tokens += r.getLong(3);
      masked += r.getLong(4);
      sop1 += r.getLong(5);
      minLen = Math.min(minLen, r.getInt(6));
      maxLen = Math.max(maxLen, r.getInt(7));
      hist[r.getInt(1)] += n;
      String f = r.getString(0);
      perFile.merge(f.substring(f.lastIndexOf('/') + 1), n, Long::sum);
    }
    ObjectNode inst = m.putObject("instances");
    inst.put("total", total);
    inst.put("tokens", tokens);
    inst.put("masked_tokens", masked);
    inst.put("sentence_order_label_0", total - sop1);
    inst.put("sentence_order_label_1", sop1);
    inst.put("mean_length", total == 0 ? 0 : tokens / (double) total);
    if (total > 0) {
      inst.put("min_length", minLen);
      inst.put("max_length", maxLen);
    }
    ObjectNode h = inst.putObject("length_histogram");
    h.put("bucket_width", width);
    h.put("note", "counts[i] = instances with length in [i*bucket_width, (i+1)*bucket_width)");
    ArrayNode counts = h.putArray("counts");
    for (long v : hist) counts.add(v);

    ObjectNode sh = m.putObject("shards");
    sh.put("dir", SHARDS_DIR);
    ArrayNode files = sh.putArray("files");
    long sum = 0;
    for (Map.Entry<String, Long> e : perFile.entrySet()) {
      files.addObject().put("name", e.getKey()).put("instances", e.getValue());
      sum += e.getValue();
    }
    sh.put("count", perFile.size());
    ObjectNode rec = m.putObject("reconciliation");
    rec.put(
        "documents_in_equals_used_plus_skipped",
        ds.documentsIn == ds.documentsUsed + ds.skippedTotal());
    rec.put("instances_equal_sum_over_shards", sum == total);
    ObjectNode mask = m.putObject("masking");
    mask.put("dynamic", cfg.dynamicMasking());
    mask.put(
        "note",
        cfg.dynamicMasking()
            ? "instances are unmasked: mask each epoch with DynamicMasker(seed, epoch, instance_key)"
            : "masked once, as DynamicMasker at epoch 0 would");
    ObjectNode schema = m.putObject("schema");
    for (StructField f : SCHEMA.fields()) {
      schema.put(f.name(), f.dataType().simpleString() + ": " + f.getComment().getOrElse(() -> ""));
    }
    return m;
  }

  static void writeManifest(String output, ObjectNode manifest, Configuration conf) {
    Path p = new Path(output, MANIFEST);
    try (OutputStream o = p.getFileSystem(conf).create(p, true)) {
      o.write(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(manifest)
              .getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + p + ": " + e.getMessage(), e);
    }
  }
}
