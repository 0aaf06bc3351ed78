package org.albertspark.prep;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.albertspark.prep.instance.Instance;
import org.albertspark.prep.instance.InstanceBuilder;
import org.albertspark.prep.instance.NspPool;
import org.albertspark.prep.mask.DynamicMasker;
import org.albertspark.prep.mask.MaskedInstance;
import org.albertspark.prep.util.Hashing;
import org.albertspark.prep.util.Rng;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * Instances of each used document for each of {@code dupe_factor} passes, each pass with its own
 * RNG derived from (seed, document identity, pass), keyed for the shuffle by a seeded hash of the
 * instance identity so that shard content and order do not depend on input partitioning.
 */
final class InstanceStage {
  private static final long INSTANCE_DOMAIN = 0x494E5354414E4345L;
  private static final long SHUFFLE_DOMAIN = 0x53485546464C4531L;

  private InstanceStage() {}

  /** The instance builder's counters, summed over tasks. */
  record Counters(
      LongAccumulator built,
      LongAccumulator singleSentenceChunksSplit,
      LongAccumulator chunksDropped,
      LongAccumulator tokensTruncated)
      implements Serializable {
    static Counters register(JavaSparkContext jsc) {
      return new Counters(
          jsc.sc().longAccumulator("prep: instances built"),
          jsc.sc().longAccumulator("prep: single-sentence chunks cut at a word"),
          jsc.sc().longAccumulator("prep: one-token chunks dropped"),
          jsc.sc().longAccumulator("prep: tokens truncated"));
    }

    PrepManifest.Diagnostics diagnostics() {
      return new PrepManifest.Diagnostics(
          PrepManifest.Diagnostics.NOTE,
          built.value(),
          singleSentenceChunksSplit.value(),
          chunksDropped.value(),
          tokensTruncated.value());
    }
  }

  /** About how many instances the run will write: for the shard count and progress. */
  static long estimate(PrepConfig cfg, DocStats ds) {
    long avgTarget =
        Math.max(
            1,
            Math.round(cfg.instances().maxNumTokens() * (1 - cfg.instances().shortSeqProb() / 2)));
    return (long) cfg.dupeFactor() * (ds.tokensUsed / avgTarget + ds.documentsUsed);
  }

  /** {@code --shards}, or enough shards of about {@code --instances-per-shard} rows each. */
  static int shardCount(PrepConfig cfg, long estimate) {
    if (cfg.shards() > 0) {
      return cfg.shards();
    }
    long n = (estimate + cfg.instancesPerShard() - 1) / cfg.instancesPerShard();
    return (int) Math.max(1, Math.min(100_000, n));
  }

  /**
   * Instances keyed by their shuffle hash. Unless masking is dynamic, each is masked here as {@link
   * DynamicMasker} would mask it at epoch 0, so static and dynamic shards agree on epoch 0.
   */
  static JavaPairRDD<Long, ShardRow> build(
      JavaRDD<TokenizedDocument> tokenized,
      PrepConfig cfg,
      PrepTokenizer.Source tokenizer,
      Broadcast<NspPool> pool,
      Counters counters) {
    return tokenized
        .filter(TokenizedDocument::used)
        .flatMapToPair(
            d -> {
              PrepTokenizer tok = tokenizer.get();
              InstanceBuilder builder = new InstanceBuilder(cfg.instances(), tok.vocab());
              DynamicMasker epochZeroMasker =
                  cfg.dynamicMasking()
                      ? null
                      : new DynamicMasker(cfg.masking(), tok.vocab(), cfg.seed());
              InstanceBuilder.Stats st = new InstanceBuilder.Stats();
              NspPool p = pool == null ? null : pool.value();
              List<Tuple2<Long, ShardRow>> out = new ArrayList<>();
              for (int pass = 0; pass < cfg.dupeFactor(); pass++) {
                Rng rng = Rng.of(INSTANCE_DOMAIN, cfg.seed(), d.key(), pass);
                for (Instance x : builder.build(d.sentences(), d.key(), rng, p, st)) {
                  long key = Hashing.mix(d.key(), pass, x.index());
                  ShardRow row = row(x, key, d.id(), pass, epochZeroMasker);
                  out.add(new Tuple2<>(Hashing.mix(SHUFFLE_DOMAIN, cfg.seed(), key), row));
                }
              }
              counters.built().add(st.instances);
              counters.singleSentenceChunksSplit().add(st.singleSentenceChunksSplit);
              counters.chunksDropped().add(st.chunksDropped);
              counters.tokensTruncated().add(st.tokensTruncated);
              return out.iterator();
            });
  }

  private static ShardRow row(
      Instance x, long key, String docId, int pass, DynamicMasker epochZeroMasker) {
    if (epochZeroMasker == null) {
      return new ShardRow(
          x.ids(),
          x.segmentALength(),
          new int[0],
          new int[0],
          x.sentenceOrderLabel(),
          key,
          docId,
          pass);
    }
    MaskedInstance m = epochZeroMasker.mask(x.ids(), key, 0);
    return new ShardRow(
        m.inputIds(),
        x.segmentALength(),
        m.positions(),
        m.labels(),
        x.sentenceOrderLabel(),
        key,
        docId,
        pass);
  }
}
