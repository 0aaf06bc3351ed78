package org.albertspark.prep;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.albertspark.prep.instance.NspPool;
import org.albertspark.prep.util.Hashing;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The random-next-sentence pool ({@code --random-next-sentence} only): the used documents with the
 * smallest seeded hash, so the pool depends on the seed and the corpus, not on partitioning.
 */
final class NspPoolSampler {
  private static final long POOL_DOMAIN = 0x504F4F4C504F4F4CL;

  private NspPoolSampler() {}

  static NspPool sample(JavaRDD<TokenizedDocument> tokenized, long seed, int documents) {
    List<NspPool.Doc> sample =
        tokenized
            .filter(TokenizedDocument::used)
            .map(
                d ->
                    new Tuple2<>(
                        Hashing.mix(POOL_DOMAIN, seed, d.key()),
                        new NspPool.Doc(d.key(), d.sentences())))
            .takeOrdered(documents, new PoolOrder())
            .stream()
            .map(Tuple2::_2)
            .toList();
    return new NspPool(new ArrayList<>(sample));
  }

  /** Orders pool candidates by their seeded hash, then identity (deterministic). */
  static final class PoolOrder implements Comparator<Tuple2<Long, NspPool.Doc>>, Serializable {
    @Override
    public int compare(Tuple2<Long, NspPool.Doc> a, Tuple2<Long, NspPool.Doc> b) {
      int c = Long.compare(a._1(), b._1());
      return c != 0 ? c : Long.compare(a._2().key(), b._2().key());
    }
  }
}
