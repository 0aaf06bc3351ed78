package org.albertspark.prep.instance;

import java.io.Serializable;
import java.util.List;

/**
 * Documents that random "next sentences" are drawn from in BERT-style NSP mode. Upstream draws from
 * every document of the in-memory corpus; a distributed job cannot, so the pool is a deterministic
 * sample (the documents with the smallest seeded hash of their identity), identical whatever the
 * partitioning.
 */
public record NspPool(List<Doc> docs) implements Serializable {
  /** A pool document: its key (to avoid drawing the current document) and sentences. */
  public record Doc(long key, int[][] sentences) implements Serializable {}

  public boolean isEmpty() {
    return docs.isEmpty();
  }
}
