package org.albertspark.prep.corpus;

import java.io.Serializable;
import java.util.List;

/**
 * One document of a corpus, or one problem record.
 *
 * <p>Identity: {@link #source()} (the fully qualified file path) and {@link #offset()} (byte offset
 * of the document's first line in the decompressed file; the row index for parquet). The identity
 * does not depend on how the input was split into partitions.
 *
 * @param source fully qualified path of the file
 * @param offset byte offset of the first line (row index for parquet)
 * @param sentences the document's sentences (empty when {@code problem != null})
 * @param problem why the document is unusable, or null
 * @param detail human-readable detail of the problem (may be null)
 * @param bytes bytes of input the document spans (for throughput accounting)
 * @param cutAtSizeLimit true if a text-format document was cut at --max-document-bytes
 */
public record CorpusDocument(
    String source,
    long offset,
    List<String> sentences,
    Problem problem,
    String detail,
    long bytes,
    boolean cutAtSizeLimit)
    implements Serializable {

  public static CorpusDocument ok(
      String source, long offset, List<String> sentences, long bytes, boolean cut) {
    return new CorpusDocument(source, offset, List.copyOf(sentences), null, null, bytes, cut);
  }

  public static CorpusDocument problem(
      String source, long offset, Problem p, String detail, long bytes) {
    return new CorpusDocument(source, offset, List.of(), p, detail, bytes, false);
  }

  public boolean isOk() {
    return problem == null;
  }

  /** "path@offset": the stable document identity. */
  public String id() {
    return source + "@" + offset;
  }
}
