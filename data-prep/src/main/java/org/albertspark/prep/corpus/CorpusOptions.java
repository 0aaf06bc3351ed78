package org.albertspark.prep.corpus;

import java.io.Serializable;

/**
 * How to read a corpus.
 *
 * @param format input format
 * @param textField jsonl field / tsv or parquet column holding the text
 * @param maxLineBytes longer lines are not materialized; their document is skipped as TOO_LONG
 * @param maxDocumentBytes a text-format document growing beyond this is cut at a line boundary into
 *     several documents (bounded memory); a longer parquet value is skipped as TOO_LONG
 * @param replaceInvalidUtf8 replace malformed UTF-8 by U+FFFD instead of skipping the document
 * @param splitBytes uncompressed files are read in byte ranges of this size (0 = automatic)
 */
public record CorpusOptions(
    CorpusFormat format,
    String textField,
    long maxLineBytes,
    long maxDocumentBytes,
    boolean replaceInvalidUtf8,
    long splitBytes)
    implements Serializable {

  public static final long DEFAULT_MAX_LINE_BYTES = 1L << 20;
  public static final long DEFAULT_MAX_DOCUMENT_BYTES = 16L << 20;

  public CorpusOptions {
    if (format == null) {
      throw new IllegalArgumentException("format is required");
    }
    if (textField == null || textField.isEmpty()) {
      textField = "text";
    }
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("max-line-bytes must be positive");
    }
    if (maxDocumentBytes < maxLineBytes) {
      throw new IllegalArgumentException("max-document-bytes must be >= max-line-bytes");
    }
    if (splitBytes < 0) {
      throw new IllegalArgumentException("split size must be >= 0");
    }
  }

  public static CorpusOptions of(CorpusFormat format) {
    return new CorpusOptions(
        format, "text", DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_DOCUMENT_BYTES, false, 0);
  }

  public CorpusOptions withSplitBytes(long bytes) {
    return new CorpusOptions(
        format, textField, maxLineBytes, maxDocumentBytes, replaceInvalidUtf8, bytes);
  }

  public CorpusOptions withTextField(String f) {
    return new CorpusOptions(
        format, f, maxLineBytes, maxDocumentBytes, replaceInvalidUtf8, splitBytes);
  }

  public CorpusOptions withMaxLineBytes(long b) {
    return new CorpusOptions(
        format, textField, b, Math.max(b, maxDocumentBytes), replaceInvalidUtf8, splitBytes);
  }

  public CorpusOptions withReplaceInvalidUtf8(boolean r) {
    return new CorpusOptions(format, textField, maxLineBytes, maxDocumentBytes, r, splitBytes);
  }

  public CorpusOptions withMaxDocumentBytes(long b) {
    return new CorpusOptions(format, textField, maxLineBytes, b, replaceInvalidUtf8, splitBytes);
  }
}
