package org.albertspark.prep;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.albertspark.prep.corpus.Problem;

/**
 * Document-stage counts, merged across partitions (exact: computed by an action, not accumulators).
 */
public final class DocStats implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int EXAMPLES = 20;

  public long documentsIn;
  public long documentsUsed;
  public final EnumMap<Problem, Long> skipped = new EnumMap<>(Problem.class);
  public long bytes;
  public long sentencesIn;
  public long sentencesUsed;
  public long tokensUsed;
  public long documentsCutAtSizeLimit;

  /** Up to 20 skipped documents (smallest ids): id -> "reason: detail". */
  public final TreeMap<String, String> examples = new TreeMap<>();

  /** Files with an unreadable part (up to 1000): path -> detail. */
  public final TreeMap<String, String> unreadableFiles = new TreeMap<>();

  public DocStats add(TokenizedDocument d) {
    documentsIn++;
    bytes += d.bytes();
    sentencesIn += d.sentencesIn();
    if (d.cut()) {
      documentsCutAtSizeLimit++;
    }
    if (d.used()) {
      documentsUsed++;
      sentencesUsed += d.sentences().length;
      tokensUsed += d.tokens();
    } else {
      skipped.merge(d.skipReason(), 1L, Long::sum);
      examples.put(d.id(), d.skipReason().key() + (d.detail() == null ? "" : ": " + d.detail()));
      while (examples.size() > EXAMPLES) {
        examples.pollLastEntry();
      }
      if (d.skipReason() == Problem.UNREADABLE_FILE) {
        String path = d.id().substring(0, d.id().lastIndexOf('@'));
        unreadableFiles.put(path, d.detail());
        while (unreadableFiles.size() > 1000) {
          unreadableFiles.pollLastEntry();
        }
      }
    }
    return this;
  }

  public DocStats merge(DocStats o) {
    documentsIn += o.documentsIn;
    documentsUsed += o.documentsUsed;
    for (Map.Entry<Problem, Long> e : o.skipped.entrySet()) {
      skipped.merge(e.getKey(), e.getValue(), Long::sum);
    }
    bytes += o.bytes;
    sentencesIn += o.sentencesIn;
    sentencesUsed += o.sentencesUsed;
    tokensUsed += o.tokensUsed;
    documentsCutAtSizeLimit += o.documentsCutAtSizeLimit;
    examples.putAll(o.examples);
    while (examples.size() > EXAMPLES) {
      examples.pollLastEntry();
    }
    unreadableFiles.putAll(o.unreadableFiles);
    while (unreadableFiles.size() > 1000) {
      unreadableFiles.pollLastEntry();
    }
    return this;
  }

  /** Skipped documents per reason, by {@link Problem#key()} in alphabetical order. */
  public TreeMap<String, Long> skippedByKey() {
    TreeMap<String, Long> m = new TreeMap<>();
    skipped.forEach((p, n) -> m.put(p.key(), n));
    return m;
  }

  public long skippedTotal() {
    long s = 0;
    for (long v : skipped.values()) s += v;
    return s;
  }
}
